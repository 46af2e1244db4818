#!/usr/bin/env bash
# Start-up cost (DESIGN §10): looppost starts once a minute from cron and once per post in shell
# loops. Measures `looppost --version` and `looppost config list` against the sqlite3 tool running
# one query on the same database, in the same run, and reports each as a ratio of the sqlite3
# time. Target: <= 1.5 for both.
#   bench/startup.sh [BUILD_DIR]     (make bench installs hyperfine and builds first)
set -euo pipefail

build=${1:-build}
looppost=$(realpath "$build/looppost")
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (make bench installs it)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (make bench installs it)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LOOPPOST_HOME="$work/home" NO_COLOR=1
mkdir -m 700 "$LOOPPOST_HOME"
# A realistic home: an app with a sealed secret and a few stored settings.
"$looppost" app set --client-key bench_key --client-secret-stdin <<<"bench_secret"
"$looppost" config set http_timeout 45
"$looppost" config set http_attempts 3
db="$LOOPPOST_HOME/data/looppost.db"

runs=${RUNS:-300}
hyperfine -N --style basic --warmup 30 --runs "$runs" --export-csv "$work/results.csv" \
  -n sqlite3 "sqlite3 $db 'SELECT name, value FROM settings'" \
  -n version "$looppost --version" \
  -n "config list" "$looppost config list" >"$work/hyperfine.txt"

echo "start-up, mean of $runs runs each (hyperfine -N), same machine, same run:"
awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2 }
  END {
    ref = mean[2]
    printf "  %-12s %8.2f ms  (reference)\n", name[2], ref * 1000
    worst = 0
    for (i = 3; i <= NR; i++) {
      r = mean[i] / ref
      if (r > worst) worst = r
      printf "  %-12s %8.2f ms  %.2fx sqlite3\n", name[i], mean[i] * 1000, r
    }
    printf "target <= 1.50x: %s\n", worst <= 1.5 ? "met" : "NOT met"
  }' "$work/results.csv"
