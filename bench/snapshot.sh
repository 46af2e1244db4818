#!/usr/bin/env bash
# snapshot-stats' cost (issue 6): 50 accounts x 1,000 public videos with 20 ms injected into every
# API request, against the lower bound the latency sets: every request of every account (50
# pages of 20 videos, one user/info) x 20 ms / the accounts read at once (jobs). Target <= 1.3x.
# Also the database's growth per snapshot row, measured over a second day of snapshots.
#   bench/snapshot.sh [BUILD_DIR]   (make bench installs hyperfine, curl, jq; builds first)
# ACCOUNTS (50), VIDEOS (1000), JOBS (32) and RUNS (3) change the sizes;
# BENCH_KEEP=1 keeps the work folder.
set -euo pipefail

build=${1:-build}
looppost=$(realpath "$build/looppost")
sandbox=$(realpath "$build/looppost-sandbox")
for tool in hyperfine sqlite3 curl jq; do
  command -v "$tool" >/dev/null ||
    { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-bench-snapshot.XXXXXX")
cleanup() {
  stop_sandbox
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export NO_COLOR=1
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

accounts=${ACCOUNTS:-50}
videos=${VIDEOS:-1000}
jobs=${JOBS:-32}
runs=${RUNS:-3}
latency_ms=${LATENCY_MS:-20}
day=86400

echo "== snapshot-stats: $accounts accounts x $videos videos, $latency_ms ms per API request, jobs=$jobs"
users=()
for i in $(seq -w 1 "$accounts"); do users+=("creator$i"); done
start=$(($(date +%s) - videos * 3600 - 3600))
jq -n --argjson start "$start" --argjson n "$videos" '$ARGS.positional |
  {rate_limit_multiplier: 0, access_token_ttl: 2592000,
   users: map({username: ., videos: {count: $n, start: $start, every: 3600}})}' \
  --args "${users[@]}" >"$work/profile.json"
start_sandbox "$work/profile.json"
make_home "$work/home" user.info.basic,user.info.stats,video.list
for u in "${users[@]}"; do login "$work/home" "$u"; done
export LOOPPOST_HOME="$work/home"
db="$LOOPPOST_HOME/data/looppost.db"
# After the logins: every API request waits 20 ms.
admin POST faults "{\"path_prefix\": \"/v2/\", \"kind\": \"delay\", \"ms\": $latency_ms, \"probability\": 1, \"seed\": 1}"

# The first snapshot writes every video and its first row; the timed runs update the same day.
before=$(stat -c %s "$db")

LOOPPOST_JOBS=$jobs "$looppost" snapshot-stats >"$work/first.out" 2>"$work/first.err" ||
  { echo "bench: snapshot-stats exited $?:" >&2; cat "$work/first.err" >&2; exit 1; }
rows=$(sqlite3 "$db" 'SELECT count(*) FROM snapshots')
echo "snapshot rows after the first day: $rows (expected $((accounts * videos)))"
[ "$rows" = $((accounts * videos)) ] || { echo "bench: not every video was stored" >&2; missed=1; }

# Where the time goes besides waiting: looppost's own CPU time for one run (the sandbox, on the
# same cores, spends its own making the pages).
/usr/bin/time -f '%U %S %M' -o "$work/cpu.txt" env LOOPPOST_JOBS="$jobs" "$looppost" snapshot-stats
read -r user_s sys_s max_kb <"$work/cpu.txt"
echo "looppost's CPU for one run: $(secs "$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { print u + s }')"), max RSS $((max_kb / 1024)) MiB, on $(nproc) cores"
hyperfine -N --style basic --runs "$runs" --export-csv "$work/snap.csv" \
  -n snapshot-stats "env LOOPPOST_HOME=$LOOPPOST_HOME LOOPPOST_JOBS=$jobs $looppost snapshot-stats" \
  >"$work/snap.txt"
t=$(awk -F, '$1 == "snapshot-stats" { print $4 }' "$work/snap.csv")
pages=$(((videos + 19) / 20))
requests=$((accounts * (pages + 1)))
parallel=$((jobs < accounts ? jobs : accounts))
# Accounts go to the workers whole: the slowest worker reads ceil(accounts / parallel) accounts.
rounds=$(((accounts + parallel - 1) / parallel))
bound=$(awk -v r="$rounds" -v p="$pages" -v l="$latency_ms" 'BEGIN { print r * (p + 1) * l / 1000 }')
echo "requests per run: $requests; lower bound: $rounds account(s) per worker x $((pages + 1)) requests x $latency_ms ms = $(secs "$bound")"
row "$accounts accounts x $videos videos" "$(secs "$t")" "$(secs "$bound")" "$(ratio "$t" "$bound")" \
  "<=" 1.3 "latency lower bound"

# A second day (looppost under faketime, the sandbox clock moved on): the growth of the file,
# WAL checkpointed, per new snapshot row.
admin DELETE faults
admin POST clock/advance "{\"seconds\": $day}"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
before=$(stat -c %s "$db")
rows_before=$(sqlite3 "$db" 'SELECT count(*) FROM snapshots')
LOOPPOST_JOBS=$jobs faketime -f +1d "$looppost" snapshot-stats
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
after=$(stat -c %s "$db")
added=$(($(sqlite3 "$db" 'SELECT count(*) FROM snapshots') - rows_before))
echo "database growth for a day of snapshots: $((after - before)) bytes for $added rows = $(awk -v b=$((after - before)) -v n="$added" 'BEGIN { printf "%.1f", b / n }') bytes per row"
unset LOOPPOST_HOME

echo
echo "same machine, same run (median of $runs):"
print_table
exit "$missed"
