#!/usr/bin/env bash
# The queue's cost (DESIGN §10): each figure is a ratio against a reference measured in the same
# run on the same machine, printed with the absolute times.
#   1. `looppost queue list` (first page, table and --json) over 100,000 posts, against the sqlite3
#      tool running the equivalent query (same columns, join, states, order, LIMIT 51, plus the
#      page's media). Target <= 2x. Also checks that queue list maps no libcurl, libvips or
#      libavformat.
#   2. `looppost enqueue --from` of 10,000 carousels (3 valid photos shared by all, distinct
#      captions), against sqlite3 inserting the same rows (posts, post_media, events, media) in one
#      transaction into a copy of the same fresh database. Target <= 3x. Then the same file again:
#      <= 0.5x the first run, with nothing written.
#   3. Normalising 200 photos of 4000x3000 JPEG to 1440x1080: a real `looppost enqueue --from`
#      into a fresh home, against vipsthumbnail on the same files. Target <= 1.3x; peak memory
#      (max RSS) of both.
#   bench/queue.sh [BUILD_DIR]     (make bench installs hyperfine, vipsthumbnail, time; builds)
# RUNS_LIST, RUNS_BULK and RUNS_PHOTOS change the number of timed runs. The 200 large photos are
# made once and kept in BUILD_DIR/bench-cache/. BENCH_KEEP=1 keeps the generated homes and data.
set -euo pipefail

build=${1:-build}
looppost=$(realpath "$build/looppost")
for tool in hyperfine sqlite3 vipsthumbnail ffmpeg /usr/bin/time; do
  command -v "$tool" >/dev/null ||
    { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
[ -x "$looppost" ] || { echo "bench: $looppost is missing; build it first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-bench-queue.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then
  trap 'echo "bench: kept $work" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
export NO_COLOR=1
runs_list=${RUNS_LIST:-40}
runs_bulk=${RUNS_BULK:-8}
runs_photos=${RUNS_PHOTOS:-2}
now=$(date +%s)

# ---------------------------------------------------------------------------------------------
# Helpers

# make_home DIR: a home with an app (sealed secret) and one default account, alice, as a login
# leaves it (no time zone: the system's), with the scopes inbox and direct posts need.
make_home() {
  mkdir -m 700 "$1"
  LOOPPOST_HOME="$1" "$looppost" app set --client-key bench_key --client-secret-stdin \
    <<<"bench_secret" >/dev/null 2>"$work/app.err" || { cat "$work/app.err" >&2; exit 1; }
  sqlite3 "$1/data/looppost.db" "INSERT INTO accounts (id, name, open_id, display_name, username,
    scopes, is_default, created_at, updated_at) VALUES (1, 'alice', 'open_alice', 'Alice',
    'alice', 'video.upload,video.publish', 1, $now, $now)"
}

# counts DB: the rows bench 2 writes, on one line.
counts() {
  sqlite3 "$1" "SELECT 'posts=' || (SELECT count(*) FROM posts) || ' post_media=' ||
    (SELECT count(*) FROM post_media) || ' events=' || (SELECT count(*) FROM events) ||
    ' media=' || (SELECT count(*) FROM media) || ' media_origins=' ||
    (SELECT count(*) FROM media_origins)"
}

# mean CSV NAME: hyperfine's mean for the command named NAME, in seconds.
mean() { awk -F, -v n="$2" 'NR > 1 && $1 == n { print $2 }' "$1"; }
stddev() { awk -F, -v n="$2" 'NR > 1 && $1 == n { print $3 }' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

table=()
failed=0
# row NAME LOOPPOST_S REFERENCE_S TARGET [REF_NAME]
row() {
  local r verdict
  r=$(ratio "$2" "$3")
  verdict=$(awk -v r="$r" -v t="$4" 'BEGIN { print (r <= t ? "pass" : "FAIL") }')
  [ "$verdict" = pass ] || failed=1
  table+=("$(printf '%-34s %12s %12s  %-13s %6sx %6s  %s' "$1" "$(ms "$2")" "$(ms "$3")" \
    "${5:-}" "$r" "<=$4" "$verdict")")
}

# ---------------------------------------------------------------------------------------------
echo "== 1. queue list over 100,000 posts"
home1="$work/list-home"
make_home "$home1"
db1="$home1/data/looppost.db"
# 70,000 posts in the past, nearly all finished (a handful failed or needing attention), and
# 30,000 ahead, nearly all queued. Photo posts carry 3 of 4 photos, every fifth post is a video.
sqlite3 "$db1" <<SQL
BEGIN;
INSERT INTO media (id, sha256, kind, bytes, mime, width, height, duration_ms, created_at) VALUES
  (1, printf('%064x', 1), 'photo', 412345, 'image/jpeg', 1440, 1080, NULL, $now),
  (2, printf('%064x', 2), 'photo', 398765, 'image/jpeg', 1080, 1440, NULL, $now),
  (3, printf('%064x', 3), 'photo', 455555, 'image/jpeg', 1080, 1080, NULL, $now),
  (4, printf('%064x', 4), 'photo', 301234, 'image/webp', 1080, 1350, NULL, $now),
  (5, printf('%064x', 5), 'video', 23456789, 'video/mp4', 1080, 1920, 31500, $now);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO posts (id, account_id, kind, mode, state, caption, options, due_at, at_text, key,
                   created_at, updated_at)
SELECT i, 1, CASE WHEN i % 5 = 0 THEN 'video' ELSE 'photo' END, 'inbox',
       CASE WHEN i <= 70000 THEN
              CASE WHEN i % 5003 = 0 THEN 'failed' WHEN i % 7001 = 0 THEN 'needs_attention'
                   WHEN i % 20 = 1 THEN 'cancelled' WHEN i % 20 = 2 THEN 'in_inbox'
                   ELSE 'published' END
            ELSE CASE WHEN i % 97 = 0 THEN 'deferred' ELSE 'queued' END END,
       'Post ' || i || ': a caption of a realistic length, with #hashtags #looppost and @friend '
         || 'mentions, longer than the forty characters the table shows',
       '{}', $now + (i - 70000) * 600, '+' || (i * 10) || 'm', lower(hex(randomblob(32))),
       $now - 86400, $now - 86400
FROM n;
INSERT INTO post_media (post_id, position, media_id)
SELECT p.id, k.pos, CASE WHEN p.kind = 'video' THEN 5 ELSE 1 + (p.id + k.pos) % 4 END
FROM posts p JOIN (SELECT 0 AS pos UNION ALL SELECT 1 UNION ALL SELECT 2) k
WHERE p.kind = 'photo' OR k.pos = 0;
INSERT INTO events (at, account_id, post_id, kind, detail)
SELECT created_at, 1, id, 'enqueued', mode || ' ' || kind || ' post' FROM posts;
COMMIT;
SQL
cols="p.id, p.account_id, a.name, p.kind, p.mode, p.state, p.caption, p.title, p.privacy, \
p.options, p.due_at, p.at_text, p.key, p.attempts, p.next_attempt_at, p.publish_id, \
p.upload_offset, p.post_ids, p.error_code, p.error_message, p.error_log_id, p.created_at, \
p.updated_at"
mcols="m.id, m.sha256, m.kind, m.bytes, m.mime, m.width, m.height, m.duration_ms"
# The statements looppost runs, with its parameters written in: the page (51 rows: one more than
# shown says whether more follow), then the page's media by the page's ids.
page_query="SELECT $cols FROM posts p JOIN accounts a ON a.id = p.account_id WHERE \
p.state IN ('queued', 'publishing', 'deferred', 'needs_attention', 'failed') \
ORDER BY p.due_at, p.id LIMIT 51"
ids=$(sqlite3 "$db1" "SELECT json_group_array(id) FROM ($page_query)")
{
  printf '%s;\n' "$page_query"
  printf '%s;\n' "SELECT pm.post_id, pm.position, $mcols FROM post_media pm JOIN media m ON \
m.id = pm.media_id WHERE pm.post_id IN (SELECT value FROM json_each('$ids')) \
ORDER BY pm.post_id, pm.position"
} >"$work/list.sql"

export LOOPPOST_HOME="$home1"
shown=$("$looppost" queue list | awk 'NR > 1' | wc -l)
"$looppost" --json queue list >"$work/list.json"
json_n=$(sqlite3 :memory: "SELECT json_array_length(readfile('$work/list.json'))")
ref_rows=$(sqlite3 "$db1" ".read $work/list.sql" | awk -F'|' '$3 == "alice"' | wc -l)
echo "rows: queue list $shown posts, --json $json_n posts, sqlite3 $ref_rows posts (51 = page + 1)"
libs=$(LD_DEBUG=libs "$looppost" queue list 2>&1 >/dev/null | grep -c 'calling init:' || true)
heavy=$(LD_DEBUG=libs "$looppost" queue list 2>&1 >/dev/null |
  grep -oE 'lib(curl|vips|avformat|avcodec)[^ ]*\.so[.0-9]*' | sort -u | tr '\n' ' ' || true)
if [ -z "$heavy" ]; then
  echo "queue list maps neither libcurl, libvips nor libavformat ($libs shared libraries initialised)"
else
  echo "queue list maps heavy libraries: $heavy"
  failed=1
fi
hyperfine -N --style basic --warmup 5 --runs "$runs_list" --export-csv "$work/list.csv" \
  -n sqlite3 "sqlite3 $db1 '.read $work/list.sql'" \
  -n "queue list" "$looppost queue list" \
  -n "json queue list" "$looppost --json queue list" >"$work/list.txt"
ref=$(mean "$work/list.csv" sqlite3)
row "queue list (100k posts)" "$(mean "$work/list.csv" "queue list")" "$ref" 2 sqlite3
row "--json queue list (100k posts)" "$(mean "$work/list.csv" "json queue list")" "$ref" 2 sqlite3
for n in sqlite3 "queue list" "json queue list"; do
  printf '  %-20s %s ± %s\n' "$n" "$(ms "$(mean "$work/list.csv" "$n")")" \
    "$(ms "$(stddev "$work/list.csv" "$n")")"
done
unset LOOPPOST_HOME

# ---------------------------------------------------------------------------------------------
echo
echo "== 2. bulk enqueue of 10,000 carousels of 3 photos"
mkdir "$work/bulk"
# Three valid photos: JPEG, within 1080 px, no EXIF (bitexact: not even an encoder comment).
for i in 1 2 3; do
  ffmpeg -v error -f lavfi -i "testsrc2=size=1080x1350:rate=1" -vf "hue=h=$((i * 100))" \
    -frames:v 1 -q:v 3 -fflags +bitexact -flags:v +bitexact "$work/bulk/p$i.jpg"
done
awk 'BEGIN { for (i = 1; i <= 10000; i++)
  printf "{\"photo\": [\"p1.jpg\", \"p2.jpg\", \"p3.jpg\"], \"caption\": \"Carousel %d of the spring collection #looppost #bench\", \"at\": \"+%dh\"}\n", i, i }' \
  >"$work/bulk/posts.jsonl"
make_home "$work/bulk-fresh"
# The photos must need no fixing, or this would time normalising.
fixes=$(LOOPPOST_HOME="$work/bulk-fresh" "$looppost" enqueue --photo "$work/bulk/p1.jpg" \
  "$work/bulk/p2.jpg" "$work/bulk/p3.jpg" --dry-run 2>&1 | grep -c 'would fix' || true)
[ "$fixes" = 0 ] || { echo "bench: the bulk photos need fixing; fix the generator" >&2; exit 1; }

cat >"$work/reset-home.sh" <<EOF
rm -rf "$work/bulk-home" && cp -a "$work/bulk-fresh" "$work/bulk-home"
EOF
cat >"$work/reset-db.sh" <<EOF
rm -f "$work/ref.db" "$work/ref.db-wal" "$work/ref.db-shm"
cp "$work/bulk-fresh/data/looppost.db" "$work/ref.db"
EOF
# One untimed run gives the exact rows the reference inserts (same keys, captions, times).
bash "$work/reset-home.sh"
LOOPPOST_HOME="$work/bulk-home" "$looppost" enqueue --from "$work/bulk/posts.jsonl" \
  2>"$work/bulk/enqueue.err" >/dev/null
tail -n 1 "$work/bulk/enqueue.err"
bdb="$work/bulk-home/data/looppost.db"
# One INSERT a line, per post: the post, its 3 post_media rows, its event (the query's own line
# breaks folded away first; the values are written with %Q, as SQL literals).
dump=$(tr -s ' \n' ' ' <<'SQL'
SELECT format('INSERT INTO media (id, sha256, kind, bytes, mime, width, height, duration_ms,
  created_at) VALUES (%d, %Q, %Q, %d, %Q, %s, %s, %s, %d);', id, sha256, kind, bytes, mime,
  quote(width), quote(height), quote(duration_ms), created_at) FROM media ORDER BY id;
SELECT format('INSERT INTO media_origins (sha256, media_id, changes) VALUES (%Q, %d, %Q);',
  sha256, media_id, changes) FROM media_origins;
SELECT sql FROM (
  SELECT id AS pid, 0 AS ord, format('INSERT INTO posts (id, account_id, kind, mode, state,
    caption, title, privacy, options, due_at, at_text, key, created_at, updated_at) VALUES
    (%d, %d, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %d, %Q, %Q, %d, %d);', id, account_id, kind, mode,
    state, caption, title, privacy, options, due_at, at_text, key, created_at, updated_at)
    AS sql FROM posts
  UNION ALL SELECT post_id, 1 + position, format('INSERT INTO post_media (post_id, position,
    media_id) VALUES (%d, %d, %d);', post_id, position, media_id) FROM post_media
  UNION ALL SELECT post_id, 100, format('INSERT INTO events (at, account_id, post_id, kind,
    detail) VALUES (%d, %d, %d, %Q, %Q);', at, account_id, post_id, kind, detail)
    FROM events WHERE post_id IS NOT NULL)
ORDER BY pid, ord;
SQL
)
{
  # The durability and checks looppost opens its database with.
  echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
  echo "PRAGMA secure_delete = ON; BEGIN IMMEDIATE;"
  sqlite3 "$bdb" "$dump"
  echo "COMMIT;"
} >"$work/bulk/insert.sql"
after_first=$(counts "$bdb")
echo "rows after one enqueue:        $after_first"
bash "$work/reset-db.sh"
sqlite3 "$work/ref.db" ".read $work/bulk/insert.sql" >/dev/null
echo "rows after the sqlite3 insert: $(counts "$work/ref.db")"
[ "$(counts "$work/ref.db")" = "$after_first" ] ||
  { echo "bench: the reference inserts other rows than looppost" >&2; exit 1; }

# hyperfine -N runs the --prepare commands without a shell too, hence the two small scripts.
hyperfine -N --style basic --warmup 1 --runs "$runs_bulk" --export-csv "$work/bulk.csv" \
  --prepare "bash $work/reset-db.sh" -n sqlite3 "sqlite3 $work/ref.db '.read $work/bulk/insert.sql'" \
  --prepare "bash $work/reset-home.sh" -n "enqueue --from" \
  "env LOOPPOST_HOME=$work/bulk-home $looppost enqueue --from $work/bulk/posts.jsonl" \
  >"$work/bulk.txt"
first=$(mean "$work/bulk.csv" "enqueue --from")
row "enqueue 10k carousels" "$first" "$(mean "$work/bulk.csv" sqlite3)" 3 sqlite3
printf '  %-20s %s ± %s\n' sqlite3 "$(ms "$(mean "$work/bulk.csv" sqlite3)")" \
  "$(ms "$(stddev "$work/bulk.csv" sqlite3)")"
printf '  %-20s %s ± %s\n' "enqueue --from" "$(ms "$first")" \
  "$(ms "$(stddev "$work/bulk.csv" "enqueue --from")")"

# The same file again, into the home the last timed run left: every post is already queued.
before=$(counts "$bdb")
before_sum=$({ cat "$bdb"; cat "$bdb-wal" 2>/dev/null || true; } | sha256sum)
hyperfine -N --style basic --warmup 1 --runs "$runs_bulk" --export-csv "$work/again.csv" \
  -n "enqueue again" \
  "env LOOPPOST_HOME=$work/bulk-home $looppost enqueue --from $work/bulk/posts.jsonl" \
  >"$work/again.txt"
again=$(mean "$work/again.csv" "enqueue again")
after=$(counts "$bdb")
after_sum=$({ cat "$bdb"; cat "$bdb-wal" 2>/dev/null || true; } | sha256sum)
row "enqueue same file again" "$again" "$first" 0.5 "first run"
printf '  %-20s %s ± %s\n' "enqueue again" "$(ms "$again")" \
  "$(ms "$(stddev "$work/again.csv" "enqueue again")")"
echo "rows before the repeats: $before"
echo "rows after $((runs_bulk + 1)) repeats:  $after"
if [ "$before" = "$after" ]; then
  echo "nothing was written: row counts unchanged$([ "$before_sum" = "$after_sum" ] &&
    echo ", database bytes unchanged" || echo " (the database file's bytes did change)")"
else
  echo "ROWS WERE WRITTEN by the repeats"
  failed=1
fi

# ---------------------------------------------------------------------------------------------
echo
echo "== 3. normalising 200 photos of 4000x3000 JPEG to 1440x1080"
cache="$(realpath "$build")/bench-cache/photos-4000x3000"
if [ "$(find "$cache" -name '*.jpg' 2>/dev/null | wc -l)" != 200 ]; then
  echo "making 200 photos of 4000x3000 in $cache (once)"
  rm -rf "$cache" && mkdir -p "$cache.tmp"
  # Distinct frames (moving test pattern, fresh noise per frame), about 4 MB each like a phone's.
  ffmpeg -v error -f lavfi -i "testsrc2=size=4000x3000:rate=25,noise=alls=12:allf=t" \
    -frames:v 200 -q:v 3 -fflags +bitexact -flags:v +bitexact "$cache.tmp/photo-%03d.jpg"
  mv "$cache.tmp" "$cache"
fi
mkdir "$work/photos"
# Lines of 35-photo carousels (the most TikTok takes): 5 x 35 + 25.
find "$cache" -name '*.jpg' | sort | awk '
  { f[n++] = $0 }
  END { for (i = 0; i < n; i += 35) {
      line = "{\"photo\": ["
      for (j = i; j < i + 35 && j < n; j++) line = line (j > i ? ", " : "") "\"" f[j] "\""
      printf "%s], \"caption\": \"Carousel %d\"}\n", line, i / 35 + 1 } }' >"$work/photos/photos.jsonl"
cat >"$work/reset-photo-home.sh" <<EOF
rm -rf "$work/photo-home" && cp -a "$work/bulk-fresh" "$work/photo-home"
EOF
cat >"$work/reset-out.sh" <<EOF
rm -rf "$work/photos/out" && mkdir "$work/photos/out"
EOF
# vipsthumbnail: one process over all files, libvips' own threads within each image. Both run
# under time(1) for their peak memory (the last run's is kept).
vips_cmd="vipsthumbnail --size 100000x1080 -o $work/photos/out/%s.jpg[Q=90,strip] $(echo "$cache"/*.jpg)"
cat "$cache"/*.jpg >/dev/null # in the page cache for both, as after a first run
hyperfine -N --style basic --runs "$runs_photos" --export-csv "$work/photos.csv" \
  --prepare "bash $work/reset-out.sh" -n vipsthumbnail \
  "/usr/bin/time -f %M -o $work/vips.rss $vips_cmd" \
  --prepare "bash $work/reset-photo-home.sh" -n "enqueue 200 photos" \
  "/usr/bin/time -f %M -o $work/looppost.rss env LOOPPOST_HOME=$work/photo-home $looppost enqueue --from $work/photos/photos.jsonl" \
  >"$work/photos.txt"
vt=$(mean "$work/photos.csv" vipsthumbnail)
lt=$(mean "$work/photos.csv" "enqueue 200 photos")
row "normalise 200 photos 4000x3000" "$lt" "$vt" 1.3 vipsthumbnail
printf '  %-20s %s ± %s\n' vipsthumbnail "$(ms "$vt")" \
  "$(ms "$(stddev "$work/photos.csv" vipsthumbnail)")"
printf '  %-20s %s ± %s\n' "enqueue 200 photos" "$(ms "$lt")" \
  "$(ms "$(stddev "$work/photos.csv" "enqueue 200 photos")")"
stored=$(find "$work/photo-home" -path '*/media/*' -name '*.jpg' | wc -l)
size=$(vipsheader "$(find "$work/photo-home" -path '*/media/*' -name '*.jpg' -print -quit)")
echo "looppost stored $stored photos, e.g. $size; vipsthumbnail wrote \
$(find "$work/photos/out" -name '*.jpg' | wc -l), e.g. $(vipsheader "$work/photos/out/photo-001.jpg")"
printf 'peak memory (max RSS): looppost %d MiB, vipsthumbnail %d MiB\n' \
  $(($(tail -n 1 "$work/looppost.rss") / 1024)) $(($(tail -n 1 "$work/vips.rss") / 1024))

# ---------------------------------------------------------------------------------------------
echo
echo "means of hyperfine -N runs (list $runs_list, bulk $runs_bulk, photos $runs_photos), same machine, same run:"
printf '%-34s %12s %12s  %-13s %7s %6s  %s\n' benchmark looppost reference "ref. is" ratio \
  target result
printf '%s\n' "${table[@]}"
exit "$failed"
