#!/usr/bin/env bash
# publish-due's cost (DESIGN §5, §10): each figure is a ratio against a reference measured in the
# same run on the same machine, printed with the absolute figures. Ratios, never timed asserts.
#   a. Uploading a 1 GiB video to looppost-sandbox with `looppost publish-due`, against curl doing
#      the same requests by hand (inbox init with the same chunk plan, one `curl -T` PUT per chunk
#      with its Content-Range, one status fetch) to the same kind of sandbox upload URL: the
#      throughput ratio (target >= 0.8x) and looppost's peak memory (max RSS; target <= 64 MiB).
#      Then the same for 3.5 GiB, when the disk has room.
#   b. 20 accounts x 10 due posts with 50 ms injected into every /v2/ request, jobs=20, against
#      the lower bound: one account's serial work, the same 10 posts for one account alone.
#      Target <= 1.3x.
#   c. The idle tick: `looppost publish-due` over 100,000 stored posts of which none is due,
#      against sqlite3 counting the due posts. Medians; target <= 2x.
#   bench/publish.sh [BUILD_DIR]   (make bench installs hyperfine, curl, jq, time; builds first)
# RUNS_UPLOAD (3), RUNS_MANY (5) and RUNS_IDLE (30) change the number of runs; BENCH_BIG=0 skips
# the 3.5 GiB upload; BENCH_ONLY=abc picks parts; BENCH_KEEP=1 keeps the work folder. The sandbox
# runs with instant processing, caps and rate limits off; looppost's limit_* are raised.
set -euo pipefail

build=${1:-build}
looppost=$(realpath "$build/looppost")
sandbox=$(realpath "$build/looppost-sandbox")
for tool in hyperfine sqlite3 ffmpeg curl jq /usr/bin/time; do
  command -v "$tool" >/dev/null ||
    { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
for bin in "$looppost" "$sandbox"; do
  [ -x "$bin" ] || { echo "bench: $bin is missing; build it first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-bench-publish.XXXXXX")
cleanup() {
  stop_sandbox
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that cleanup runs (and stops the sandbox) on Ctrl-C too
export NO_COLOR=1
runs_upload=${RUNS_UPLOAD:-3}
runs_many=${RUNS_MANY:-5}
runs_idle=${RUNS_IDLE:-30}
only=${BENCH_ONLY:-abc}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------------------------
# Helpers

# sandbox_config USERS...: the profile every part uses: instant processing, caps and rate
# limits off, the given users (and "ref", for curl's own login).
sandbox_config() {
  local users
  users=$(printf '%s\n' "$@" ref | jq -R '{username: .}' | jq -s .)
  jq -n --argjson users "$users" '{processing: "instant", caps: false,
    rate_limit_multiplier: 0, users: $users}' >"$work/profile.json"
}

# video FILE BYTES: a valid 3-second MP4 padded to exactly BYTES with a top-level `free` box
# (4-byte big-endian size, "free", zero bytes), which demuxers skip. Real zeros, not a sparse
# file, so that reading it costs what reading a video costs.
video() {
  local clip="$work/clip.mp4"
  [ -f "$clip" ] || ffmpeg -v error -f lavfi -i testsrc=size=720x1280:rate=30 -t 3 \
    -c:v libx264 -pix_fmt yuv420p "$clip"
  local have pad
  have=$(stat -c %s "$clip")
  pad=$(($2 - have))
  ((pad >= 8 && pad < 4294967296)) || { echo "bench: cannot pad to $2 bytes" >&2; exit 1; }
  {
    cat "$clip"
    printf "\\x$(printf %02x $((pad >> 24 & 255)))\\x$(printf %02x $((pad >> 16 & 255)))"
    printf "\\x$(printf %02x $((pad >> 8 & 255)))\\x$(printf %02x $((pad & 255)))free"
    head -c $((pad - 8)) /dev/zero
  } >"$1"
  [ "$(stat -c %s "$1")" = "$2" ] || { echo "bench: $1 is not $2 bytes" >&2; exit 1; }
}

# chunk_plan BYTES: "CHUNK_SIZE COUNT" as tiktok::plan_chunks cuts it: whole up to 64,000,000
# bytes, else 10,000,000-byte chunks, floor(size / chunk) of them, the remainder in the last.
chunk_plan() {
  if (($1 <= 64000000)); then echo "$1 1"; else echo "10000000 $(($1 / 10000000))"; fi
}

# ref_token: an access token for the sandbox user "ref", by TikTok's web flow done with curl (as
# tests/integration/harness.cpp sandbox_login does).
ref_token() {
  admin POST config '{"consent_user": "ref"}'
  local location code
  location=$(curl -sS -o /dev/null -w '%{redirect_url}' -G "$base/v2/auth/authorize/" \
    --data-urlencode "client_key=$client_key" --data-urlencode response_type=code \
    --data-urlencode scope=user.info.basic,video.upload \
    --data-urlencode "redirect_uri=$redirect" --data-urlencode state=bench)
  code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$location")
  [ -n "$code" ] || { echo "bench: the consent page gave no code: $location" >&2; exit 1; }
  # The code stays percent-encoded: the form body is decoded by the server.
  curl -sS --fail-with-body "$base/v2/oauth/token/" -d "client_key=$client_key" \
    -d "client_secret=$client_secret" -d "code=$code" -d grant_type=authorization_code \
    --data-urlencode "redirect_uri=$redirect" | jq -er .access_token
}

# ---------------------------------------------------------------------------------------------
# a. Upload throughput and peak memory

# upload_bench LABEL BYTES
upload_bench() {
  local label=$1 bytes=$2 home="$work/upload-home-$1" file="$work/video-$1.mp4"
  echo "-- $label: $bytes bytes"
  video "$file" "$bytes"
  make_home "$home"
  login "$home" uploader
  # One post per run, each its own key; publish-due --limit 1 takes the soonest due.
  local i
  for i in $(seq 1 "$runs_upload"); do
    printf '{"video": "%s", "caption": "upload %s run %d", "at": "now", "key": "upload-%s-%d"}\n' \
      "$file" "$label" "$i" "$label" "$i"
  done >"$work/upload-$label.jsonl"
  LOOPPOST_HOME="$home" "$looppost" -q enqueue --from "$work/upload-$label.jsonl" >/dev/null
  rm -f "$file" # looppost has its copy in its media store; the reference reads that same copy
  local stored
  stored=$(find "$home/data/media" -type f -size "${bytes}c" -print -quit)
  [ -n "$stored" ] || { echo "bench: the stored video is missing" >&2; exit 1; }

  # curl's chunks, cut once (untimed), as files curl -T sends whole.
  local plan chunk count
  plan=$(chunk_plan "$bytes")
  chunk=${plan% *} count=${plan#* }
  mkdir "$work/chunks-$label"
  local c offset len
  for ((c = 0; c < count; c++)); do
    offset=$((c * chunk))
    len=$((c + 1 < count ? chunk : bytes - offset))
    dd if="$stored" of="$work/chunks-$label/$c" iflag=skip_bytes,count_bytes skip="$offset" \
      count="$len" bs=4M status=none
  done
  cat "$stored" "$work/chunks-$label"/* >/dev/null # both in the page cache
  local token
  token=$(ref_token)

  local -a looppost_s=() curl_s=() rss=()
  for i in $(seq 1 "$runs_upload"); do
    # looppost: the whole publish-due run (init, chunks, status) for one post.
    LOOPPOST_HOME="$home" /usr/bin/time -f '%e %M' -o "$work/time.out" \
      "$looppost" publish-due --limit 1 >"$work/publish.out" 2>"$work/publish.err" ||
      { echo "bench: publish-due exited $?:" >&2; cat "$work/publish.err" >&2; exit 1; }
    looppost_s+=("$(awk '{ print $1 }' "$work/time.out")")
    rss+=("$(awk '{ print $2 }' "$work/time.out")")
    # curl: the same requests.
    local t0 t1 init url publish_id
    t0=$(now_s)
    init=$(curl -sS --fail-with-body "$base/v2/post/publish/inbox/video/init/" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json; charset=UTF-8' \
      -d "{\"source_info\": {\"source\": \"FILE_UPLOAD\", \"video_size\": $bytes, \"chunk_size\": $chunk, \"total_chunk_count\": $count}}")
    url=$(jq -er .data.upload_url <<<"$init")
    publish_id=$(jq -er .data.publish_id <<<"$init")
    for ((c = 0; c < count; c++)); do
      offset=$((c * chunk))
      len=$(stat -c %s "$work/chunks-$label/$c")
      # -T - from the chunk file: -T FILE would append the file's name to the URL's path
      # (/upload/?… has no file part); the empty Transfer-Encoding keeps it from chunking.
      curl -sS -o /dev/null --fail-with-body -T - -H 'Transfer-Encoding:' \
        -H "Content-Length: $len" -H 'Content-Type: video/mp4' \
        -H "Content-Range: bytes $offset-$((offset + len - 1))/$bytes" "$url" \
        <"$work/chunks-$label/$c"
    done
    curl -sS --fail-with-body -o /dev/null "$base/v2/post/publish/status/fetch/" \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json; charset=UTF-8' \
      -d "{\"publish_id\": \"$publish_id\"}"
    t1=$(now_s)
    curl_s+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  local published
  published=$(LOOPPOST_HOME="$home" "$looppost" --json queue list --state all |
    jq '[.[] | select(.state == "in_inbox" or .state == "published")] | length')
  echo "looppost runs: ${looppost_s[*]} s (max RSS ${rss[*]} KiB); curl runs: ${curl_s[*]} s;" \
    "posts delivered: $published of $runs_upload"
  [ "$published" = "$runs_upload" ] || { echo "bench: publish-due did not deliver every post" >&2; missed=1; }
  local lt ct peak mib_s_l mib_s_c
  lt=$(printf '%s\n' "${looppost_s[@]}" | median)
  ct=$(printf '%s\n' "${curl_s[@]}" | median)
  peak=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
  mib_s_l=$(awk -v b="$bytes" -v t="$lt" 'BEGIN { printf "%.0f MiB/s", b / t / 1048576 }')
  mib_s_c=$(awk -v b="$bytes" -v t="$ct" 'BEGIN { printf "%.0f MiB/s", b / t / 1048576 }')
  row "upload $label: throughput" "$mib_s_l" "$mib_s_c" "$(ratio "$ct" "$lt")" ">=" 0.8 "curl -T, same run"
  row "upload $label: looppost max RSS" "$((peak / 1024)) MiB" "64 MiB" \
    "$(ratio "$peak" 65536)" "<=" 1.0 "the 64 MiB budget"
  rm -rf "$work/chunks-$label" "$home"
}

if [[ $only == *a* ]]; then
  echo "== a. upload throughput: publish-due against curl -T, same sandbox, same run"
  sandbox_config uploader
  start_sandbox "$work/profile.json"
  upload_bench 1GiB 1073741824
  big=3758096384
  # The padded file, looppost's stored copy, curl's chunks and the sandbox's temporary file.
  need=$((big * 3 + 1073741824))
  free=$(($(df --output=avail -B1 "$work" | tail -n 1)))
  if [ "${BENCH_BIG:-1}" = 0 ]; then
    echo "-- 3.5GiB: skipped (BENCH_BIG=0)"
  elif ((free < need)); then
    echo "-- 3.5GiB: skipped: $((free >> 30)) GiB free in $work, $((need >> 30)) GiB needed"
  else
    upload_bench 3.5GiB "$big"
  fi
  stop_sandbox
fi

# ---------------------------------------------------------------------------------------------
# b. Many accounts at once, 50 ms per API request

if [[ $only == *b* ]]; then
  echo
  echo "== b. 20 accounts x 10 posts, 50 ms per /v2/ request, jobs=20, against one account alone"
  users=()
  for i in $(seq -w 1 20); do users+=("user$i"); done
  sandbox_config "${users[@]}" solo
  start_sandbox "$work/profile.json"
  # Small videos: this part measures waiting on TikTok in parallel, not moving bytes on 2 cores.
  video "$work/small.mp4" 100000
  for i in $(seq 1 10); do
    printf '{"video": "%s", "caption": "post %d of 10", "at": "now"}\n' "$work/small.mp4" "$i"
  done >"$work/ten.jsonl"
  make_home "$work/many-template"
  for u in "${users[@]}"; do
    login "$work/many-template" "$u"
    LOOPPOST_HOME="$work/many-template" "$looppost" -q enqueue --account "$u" \
      --from "$work/ten.jsonl" >/dev/null
  done
  make_home "$work/solo-template"
  login "$work/solo-template" solo
  LOOPPOST_HOME="$work/solo-template" "$looppost" -q enqueue --from "$work/ten.jsonl" >/dev/null
  # After the logins: every API request (not the uploads, which are not under /v2/) waits 50 ms.
  admin POST faults '{"path_prefix": "/v2/", "kind": "delay", "ms": 50, "probability": 1, "seed": 1}'
  for h in many solo; do
    printf 'rm -rf "%s" && cp -a "%s" "%s"\n' "$work/$h-home" "$work/$h-template" "$work/$h-home" \
      >"$work/reset-$h.sh"
  done
  hyperfine -N -i --style basic --runs "$runs_many" --export-csv "$work/many.csv" \
    --prepare "bash $work/reset-solo.sh" -n solo \
    "env LOOPPOST_HOME=$work/solo-home LOOPPOST_JOBS=20 $looppost publish-due" \
    --prepare "bash $work/reset-many.sh" -n many \
    "env LOOPPOST_HOME=$work/many-home LOOPPOST_JOBS=20 $looppost publish-due" >"$work/many.txt"
  done_many=$(LOOPPOST_HOME="$work/many-home" "$looppost" --json queue list --state all --limit 1000 |
    jq '[.[] | select(.state == "in_inbox")] | length')
  done_solo=$(LOOPPOST_HOME="$work/solo-home" "$looppost" --json queue list --state all |
    jq '[.[] | select(.state == "in_inbox")] | length')
  echo "posts in the inbox after the last run: many $done_many of 200, solo $done_solo of 10"
  [ "$done_many" = 200 ] && [ "$done_solo" = 10 ] ||
    { echo "bench: publish-due did not deliver every post" >&2; missed=1; }
  solo_t=$(awk -F, '$1 == "solo" { print $4 }' "$work/many.csv")
  many_t=$(awk -F, '$1 == "many" { print $4 }' "$work/many.csv")
  echo "median wall time: solo (10 posts, 1 account) $(secs "$solo_t"), many (200 posts, 20 accounts) $(secs "$many_t")"
  row "20 accounts x 10 posts, jobs=20" "$(secs "$many_t")" "$(secs "$solo_t")" \
    "$(ratio "$many_t" "$solo_t")" "<=" 1.3 "1 account, 10 posts"
  stop_sandbox
fi

# ---------------------------------------------------------------------------------------------
# c. The idle tick over 100,000 posts

if [[ $only == *c* ]]; then
  echo
  echo "== c. idle tick: publish-due over 100,000 posts, none due, against sqlite3"
  sandbox_config idle
  start_sandbox "$work/profile.json"
  video "$work/idle.mp4" 1000000
  make_home "$work/idle-home"
  login "$work/idle-home" idle
  export LOOPPOST_HOME="$work/idle-home"
  # One real post gives the rows their shapes; sqlite3 copies it 99,999 times, due in ten years.
  "$looppost" -q enqueue --video "$work/idle.mp4" --caption "the first of 100,000" --at +3650d >/dev/null
  db="$LOOPPOST_HOME/data/looppost.db"
  sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO posts (id, account_id, kind, mode, state, caption, title, privacy, options, due_at,
                   at_text, key, created_at, updated_at)
SELECT n.i, p.account_id, p.kind, p.mode, 'queued', 'post ' || n.i || ' of 100,000', p.title,
       p.privacy, p.options, p.due_at + n.i * 60, p.at_text, lower(hex(randomblob(32))),
       p.created_at, p.updated_at
FROM n, posts p WHERE p.id = 1;
INSERT INTO post_media (post_id, position, media_id)
SELECT p.id, 0, (SELECT media_id FROM post_media WHERE post_id = 1) FROM posts p WHERE p.id > 1;
COMMIT;
SQL
  stop_sandbox # an idle tick must not need the network
  due_query="SELECT count(*) FROM posts WHERE state IN ('queued','deferred','publishing') AND due_at <= strftime('%s','now')"
  echo "posts: $(sqlite3 "$db" 'SELECT count(*) FROM posts'), due: $(sqlite3 "$db" "$due_query")"
  "$looppost" publish-due >"$work/idle.out" 2>"$work/idle.err" ||
    { echo "bench: the idle publish-due exited $?:" >&2; cat "$work/idle.err" >&2; exit 1; }
  [ -s "$work/idle.out" ] || [ -s "$work/idle.err" ] &&
    { echo "bench: the idle publish-due printed something:" >&2; cat "$work/idle.out" "$work/idle.err" >&2; }
  heavy=$(LD_DEBUG=libs "$looppost" publish-due 2>&1 >/dev/null |
    grep -oE 'lib(curl|vips|avformat|avcodec)[^ ]*\.so[.0-9]*' | sort -u | tr '\n' ' ' || true)
  if [ -z "$heavy" ]; then
    echo "the idle tick maps neither libcurl, libvips nor libavformat"
  else
    echo "the idle tick maps heavy libraries: $heavy"
  fi
  hyperfine -N --style basic --warmup 3 --runs "$runs_idle" --export-csv "$work/idle.csv" \
    -n sqlite3 "sqlite3 $db \"$due_query\"" \
    -n publish-due "$looppost publish-due" >"$work/idle.txt"
  ref=$(awk -F, '$1 == "sqlite3" { print $4 }' "$work/idle.csv")
  tick=$(awk -F, '$1 == "publish-due" { print $4 }' "$work/idle.csv")
  row "idle tick, 100k posts, none due" "$(ms "$tick")" "$(ms "$ref")" "$(ratio "$tick" "$ref")" \
    "<=" 2 "sqlite3 count (median)"
  unset LOOPPOST_HOME
fi

# ---------------------------------------------------------------------------------------------
echo
echo "same machine, same run (a: median of $runs_upload; b: median of $runs_many; c: median of $runs_idle):"
print_table
exit "$missed"
