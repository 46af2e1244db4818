#!/usr/bin/env bash
# The cost of `looppost stats` (issue 6): 1,000 videos with 2 years of daily snapshots each
# (730,000 rows), against the sqlite3 tool running one aggregate query over the same table (each
# video's newest day and views, and its row count). Both are timed by hyperfine; the figure is
# the ratio of the medians. Target <= 2x.
#   a. `looppost stats --json --since 800d --limit 0`: every video with its newest counts, its
#      day and week deltas and 14 days of sparkline data, and the account's totals. Gated.
#   b. `looppost stats VIDEO_ID --json`: one video's 730 days and its age-aligned medians (views
#      at days 1, 3, 7 and 30 of every video), against one sqlite3 query reading the same rows:
#      that video's series and every video's first 31 days. Reported, not gated.
#   bench/stats.sh [BUILD_DIR]     (make bench installs hyperfine; builds)
# RUNS changes the number of timed runs (default 15, at least 10). BENCH_KEEP=1 keeps the home.
set -euo pipefail

build=${1:-build}
looppost=$(realpath "$build/looppost")
for tool in hyperfine sqlite3 jq; do
  command -v "$tool" >/dev/null ||
    { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
[ -x "$looppost" ] || { echo "bench: $looppost is missing; build it first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-bench-stats.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then
  trap 'echo "bench: kept $work" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM
export NO_COLOR=1
runs=${RUNS:-15}
[ "$runs" -ge 10 ] || { echo "bench: RUNS must be at least 10" >&2; exit 2; }
now=$(date +%s)

home="$work/home"
mkdir -m 700 "$home"
export LOOPPOST_HOME="$home"
"$looppost" stats --json >/dev/null # creates and migrates the store
db="$home/data/looppost.db"

echo "== seeding 1,000 videos x 730 days of snapshots"
sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO accounts (id, name, open_id, display_name, username, scopes, is_default, created_at,
                      updated_at)
VALUES (1, 'alice', 'open_alice', 'Alice', 'alice', 'video.list,user.info.stats', 1, $now, $now);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO videos (id, account_id, title, create_time, duration, first_seen, last_seen)
SELECT CAST(7400000000000000000 + i AS TEXT), 1, 'Video ' || i || ', a title of some length',
       $now - 731 * 86400 + i * 60, 30, $now - 730 * 86400, $now
FROM n;
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 729)
INSERT INTO snapshots (video_id, day, views, likes, comments, shares, taken_at)
SELECT v.id, date($now, 'unixepoch', 'localtime', '-' || (729 - d.k) || ' days'),
       (d.k + 1) * (100 + v.rowid % 50), (d.k + 1) * (10 + v.rowid % 5), d.k, d.k / 10,
       $now - (729 - d.k) * 86400
FROM videos v, d;
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 729)
INSERT INTO account_snapshots (account_id, day, followers, following, likes, videos, taken_at)
SELECT 1, date($now, 'unixepoch', 'localtime', '-' || (729 - k) || ' days'), 1000 + k * 7, 50,
       k * 900, 1000, $now - (729 - k) * 86400
FROM d;
COMMIT;
SQL
echo "rows: $(sqlite3 "$db" 'SELECT count(*) FROM snapshots') snapshots," \
  "$(du -k "$db" | cut -f1) KiB"
shown=$("$looppost" stats --json --since 800d --limit 0 | jq '.videos | length')
[ "$shown" = 1000 ] || { echo "bench: stats listed $shown videos, not 1000" >&2; exit 1; }

reference="SELECT video_id, max(day), max(views), count(*) FROM snapshots GROUP BY video_id"
video=7400000000000000500
reference_video="SELECT v.id, max(s.views), count(*) FROM videos v JOIN snapshots s \
ON s.video_id = v.id AND s.day <= date(v.create_time, 'unixepoch', '+31 days') \
WHERE v.account_id = 1 GROUP BY v.id UNION ALL \
SELECT video_id, max(views), count(*) FROM snapshots WHERE video_id = '$video'"
hyperfine --style basic --runs "$runs" --warmup 2 --export-json "$work/h.json" \
  -n looppost-stats "'$looppost' stats --json --since 800d --limit 0 >/dev/null" \
  -n looppost-video "'$looppost' stats $video --json >/dev/null" \
  -n sqlite3 "sqlite3 '$db' '$reference' >/dev/null" \
  -n sqlite3-video "sqlite3 '$db' \"$reference_video\" >/dev/null" >"$work/hyperfine.out"

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$work/h.json"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
s_stats=$(median looppost-stats)
s_video=$(median looppost-video)
s_ref=$(median sqlite3)
s_ref_video=$(median sqlite3-video)
r_stats=$(ratio "$s_stats" "$s_ref")
r_video=$(ratio "$s_video" "$s_ref_video")
verdict=$(awk -v r="$r_stats" 'BEGIN { print (r <= 2 ? "pass" : "FAIL") }')

echo
printf '%-40s %12s %12s %8s %6s  %s\n' "medians of $runs runs" looppost sqlite3 ratio target ""
printf '%-40s %12s %12s %7sx %6s  %s\n' "stats (1,000 videos, 730 days)" "$(ms "$s_stats")" \
  "$(ms "$s_ref")" "$r_stats" "<=2" "$verdict"
printf '%-40s %12s %12s %7sx %6s  %s\n' "stats VIDEO_ID (ages of 1,000 videos)" \
  "$(ms "$s_video")" "$(ms "$s_ref_video")" "$r_video" "-" "(reported)"
echo "reference: sqlite3 looppost.db \"$reference\""
echo "reference for VIDEO_ID: sqlite3 looppost.db \"$reference_video\""
[ "$verdict" = pass ]
