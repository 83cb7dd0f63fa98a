// Lighthouse (pinned in package-lock.json) on pages of the built book, one after another in one
// chromium: the mobile profile (Lighthouse's default: a phone's screen, simulated slow 4G and a
// 4x slower CPU), the four categories. Reports go to OUTDIR/<name>.report.json and .html; the
// scores and key metrics of every page are printed as one JSON line on stdout.
//
//   CHROME_PATH=/usr/bin/chromium node tools/lighthouse/audit.mjs OUTDIR URL...
//   LH_CPU_SLOWDOWN=11 CHROME_PATH=... node ...   (as on a slower machine; see below)
//
// CHROME_PATH must name an installed chromium or chrome: nothing here downloads a browser.
import fs from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { throttling } from "lighthouse/core/config/constants.js";

const [outdir, ...urls] = process.argv.slice(2);
if (!outdir || urls.length === 0) {
  console.error("usage: CHROME_PATH=... node audit.mjs OUTDIR URL...");
  process.exit(2);
}
if (!process.env.CHROME_PATH) {
  console.error("CHROME_PATH must name the chromium to use (no browser is downloaded)");
  process.exit(2);
}
fs.mkdirSync(outdir, { recursive: true });

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
  logLevel: "silent",
});
const summary = [];
try {
  for (const url of urls) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: ["json", "html"],
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
      // informative audits that no score uses, and the slowest to gather: a second
      // navigation (back/forward cache) and a screenshot of the whole page (skipping its
      // audit alone still took the screenshot: 1.3-1.7 s a page)
      skipAudits: ["bf-cache", "full-page-screenshot"],
      disableFullPageScreenshot: true,
      // LH_CPU_SLOWDOWN=11 plays a machine about 2.75x slower than this one (Lighthouse's
      // benchmark index divided by 2.75): the mobile profile with a larger CPU slowdown
      ...(process.env.LH_CPU_SLOWDOWN && {
        throttling: {
          ...throttling.mobileSlow4G,
          cpuSlowdownMultiplier: Number(process.env.LH_CPU_SLOWDOWN),
        },
      }),
    });
    const lhr = result.lhr;
    const name = new URL(url).pathname.replace(/^\/+/, "").replace(/\.html$/, "").replace(/\//g, "_") || "index";
    fs.writeFileSync(path.join(outdir, `${name}.report.json`), result.report[0]);
    fs.writeFileSync(path.join(outdir, `${name}.report.html`), result.report[1]);
    const score = (c) => (lhr.categories[c].score === null ? null : Math.round(lhr.categories[c].score * 100));
    const num = (a) => lhr.audits[a]?.numericValue ?? null;
    const failed = Object.values(lhr.categories)
      .flatMap((c) => c.auditRefs.map((r) => lhr.audits[r.id]))
      .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" &&
                     a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable")
      .map((a) => `${a.id}: ${a.displayValue ?? a.score}`);
    summary.push({
      url,
      name,
      runtimeError: lhr.runtimeError?.message ?? null,
      performance: score("performance"),
      accessibility: score("accessibility"),
      "best-practices": score("best-practices"),
      seo: score("seo"),
      fcp_ms: num("first-contentful-paint"),
      lcp_ms: num("largest-contentful-paint"),
      tbt_ms: num("total-blocking-time"),
      cls: num("cumulative-layout-shift"),
      si_ms: num("speed-index"),
      dom_elements: num("dom-size"),
      transfer_bytes: num("total-byte-weight"),
      // how fast this machine ran Lighthouse's benchmark (a busy machine scores low); the
      // mobile profile multiplies the script and layout time it observes by 4
      benchmark_index: lhr.environment.benchmarkIndex,
      failed,
    });
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(summary) + "\n");
