#!/usr/bin/env bash
# Re-run the chapters (strict nbval, numbers within tests/nbval_numbers.py's tolerance) and
# the tests of their claims under several CPU code paths, one `NAME=VALUE` per argument:
#   bash tools/test_cpu_paths.sh ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE
# A path changes how float32 sums are ordered, as another processor would. Each run's full
# output goes to test-artifacts/cpu-paths/<path>.txt; one line per path is printed.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 NAME=VALUE ..." >&2; exit 2; }
PY=${PY:-.venv/bin/python}
LIMIT=${TEST_LIMIT:-40m}
out=test-artifacts/cpu-paths
mkdir -p "$out"
failed=()
for path in "$@"; do
  log="$out/${path//[^A-Za-z0-9_=.-]/_}.txt"
  start=$SECONDS
  env "$path" timeout --kill-after=60 "$LIMIT" "$PY" -m pytest -q chapters \
    tests/test_controls_9_*.py tests/test_nbval_numbers.py > "$log" 2>&1
  rc=$?
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|no tests ran' "$log" | tail -n 1)
  echo "$path: rc=$rc in $((SECONDS - start)) s: ${summary:-see $log}"
  [ $rc -eq 0 ] || failed+=("$path")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed under: ${failed[*]} (logs in $out/)"
  exit 1
fi
echo "all ${#@} CPU paths passed"
