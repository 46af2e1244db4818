#!/usr/bin/env bash
# make demo: looppost's main job on the embedded default, the sandbox. Starts looppost-sandbox on a
# free port, points a throw-away looppost home at it, configures the sandbox's TikTok app, runs
# `looppost doctor`, logs in with the QR flow (this script plays the phone: it hands the link
# looppost shows to the sandbox, as the TikTok app would after a scan), lists the account, and
# enqueues a video and a three-photo carousel it makes with ffmpeg, fills a weekly slot, shows
# the queue, then publishes a video and a carousel that are due now with `publish-due -v` (the
# photos hosted in a folder the sandbox serves under /media/, a dir media host), shows the
# queue with every state, takes four days of snapshots (`snapshot-stats`, the days passed with
# faketime and the sandbox's clock) of a dozen sandbox videos, shows their growth curves with
# `stats`, and stops the sandbox again.
set -euo pipefail

build=${1:-build}
looppost="$build/looppost"
sandbox="$build/looppost-sandbox"
for bin in "$looppost" "$sandbox"; do
  [ -x "$bin" ] || { echo "demo: $bin is missing; run make build first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/looppost-demo.XXXXXX")
sandbox_pid=
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The sandbox prints exactly one line, LISTENING <port>, once it accepts connections.
mkfifo "$work/ready"
# The sandbox also serves $work/served under /media/ (a verified prefix for TikTok's pulls): the
# folder of the demo's dir media host.
mkdir "$work/served"
"$sandbox" --port 0 --serve-dir "$work/served" >"$work/ready" 2>"$work/sandbox.log" &
sandbox_pid=$!
read -r word port <"$work/ready" || true
if [ "${word:-}" != LISTENING ]; then
  echo "demo: looppost-sandbox did not start:" >&2
  cat "$work/sandbox.log" >&2
  exit 1
fi

export LOOPPOST_HOME="$work/home" LOOPPOST_API_BASE="http://127.0.0.1:$port"
export LOOPPOST_AUTH_BASE="http://127.0.0.1:$port" NO_COLOR=1
mkdir -m 700 "$LOOPPOST_HOME"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
# POST /_sandbox/PATH with a JSON body, through bash's /dev/tcp (no HTTP client needed).
admin() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST /_sandbox/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$1" "${#2}" "$2" >&3
  cat <&3 >/dev/null
  exec 3<&-
}

# The phone: wait for the link looppost prints, then "scan" and confirm it as alice.
play_phone() {
  local link=
  for _ in $(seq 1 100); do
    link=$(grep -ao 'aweme://[^[:space:]]*' "$1" 2>/dev/null | head -n 1 | tr -d '\r' || true)
    [ -n "$link" ] && break
    sleep 0.1
  done
  [ -n "$link" ] || return 1
  sleep 1
  admin qr/scan "{\"url\": \"$link\", \"user\": \"alice\"}"
  sleep 2
  admin qr/confirm '{}'
}

step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

echo "looppost-sandbox is listening on 127.0.0.1:$port; looppost's home is $LOOPPOST_HOME"
step looppost --version
"$looppost" --version
step "looppost app set --client-key sbx_client_key --client-secret-stdin <<< sbx_client_secret"
"$looppost" app set --client-key sbx_client_key --client-secret-stdin <<<"sbx_client_secret"
step looppost app show
"$looppost" app show
step looppost doctor
"$looppost" doctor
step "looppost auth login    # the demo scans the code as the sandbox's user alice"
play_phone "$work/login.out" &
phone_pid=$!
# script(1) gives looppost a terminal, so it draws the QR code as it would for you.
if command -v script >/dev/null; then
  script -qfec "$looppost auth login" "$work/login.out"
else
  "$looppost" auth login | tee "$work/login.out"
fi
wait "$phone_pid"
step looppost auth list
"$looppost" auth list
step "looppost auth status --json"
"$looppost" auth status --json

# Media the demo makes itself: a 3-second vertical video and three photos, one of them a large
# PNG that looppost turns into a JPEG of at most 1080 px.
media="$work/media"
mkdir -p "$media"
ffmpeg -v error -f lavfi -i testsrc=size=720x1280:rate=30 -t 3 -c:v libx264 -pix_fmt yuv420p \
  "$media/clip.mp4"
ffmpeg -v error -f lavfi -i testsrc2=size=1080x1350 -frames:v 1 "$media/photo-1.jpg"
ffmpeg -v error -f lavfi -i smptebars=size=3000x2000 -frames:v 1 "$media/photo-2.png"
ffmpeg -v error -f lavfi -i mandelbrot=size=1080x1080 -frames:v 1 "$media/photo-3.jpg"
step "looppost account set alice --time-zone Europe/Berlin"
"$looppost" account set alice --time-zone Europe/Berlin
step "looppost enqueue --video clip.mp4 --caption 'First light #timelapse' --at +1h"
"$looppost" enqueue --video "$media/clip.mp4" --caption 'First light #timelapse' --at +1h
step "looppost enqueue --photo photo-1.jpg photo-2.png photo-3.jpg --title 'Three frames' --caption 'Swipe →' --at +1d"
"$looppost" enqueue --photo "$media/photo-1.jpg" "$media/photo-2.png" "$media/photo-3.jpg" \
  --title 'Three frames' --caption 'Swipe →' --at +1d
step "looppost enqueue --photo … (the same command again: nothing new)"
"$looppost" enqueue --photo "$media/photo-1.jpg" "$media/photo-2.png" "$media/photo-3.jpg" \
  --title 'Three frames' --caption 'Swipe →' --at +1d
step "looppost slots add --account alice 'mon,wed,fri 18:00'"
"$looppost" slots add --account alice 'mon,wed,fri 18:00'
step "looppost enqueue --video clip.mp4 --caption 'Next free slot' --next-slot"
"$looppost" enqueue --video "$media/clip.mp4" --caption 'Next free slot' --next-slot
step looppost queue
"$looppost" queue

# Publishing: photos are pulled by TikTok from a media host, here the folder the sandbox serves.
step "looppost media set dir --path served/ --public-base-url http://127.0.0.1:$port/media/"
"$looppost" media set dir --path "$work/served" --public-base-url "http://127.0.0.1:$port/media/"
step "looppost enqueue --video clip.mp4 --caption 'Now or never' --at now"
"$looppost" enqueue --video "$media/clip.mp4" --caption 'Now or never' --at now
step "looppost enqueue --photo photo-1.jpg photo-3.jpg --title 'Two frames' --caption 'Due now' --at now"
"$looppost" enqueue --photo "$media/photo-1.jpg" "$media/photo-3.jpg" --title 'Two frames' \
  --caption 'Due now' --at now
step "looppost publish-due -v    # what cron runs every minute; -v shows each step"
status=0
"$looppost" publish-due -v || status=$?
echo "(publish-due exited $status)"
step "looppost queue --state all"
"$looppost" queue --state all
step "ls served/    # TikTok has pulled the photos: their hosted copies are deleted"
ls -A "$work/served"
echo "($(find "$work/served" -type f | wc -l) files)"
# Growth curves: the sandbox gives alice a dozen public videos, one a day, whose counts grow with
# its clock; snapshot-stats (a daily cron job) stores each day's figures. The days pass on both
# clocks: the sandbox's is advanced, looppost runs under faketime.
now=$(date +%s)
admin config "{\"access_token_ttl\": 2592000, \"users\": [{\"username\": \"alice\", \"videos\": {\"count\": 12, \"start\": $((now - 12 * 86400)), \"every\": 86400}}]}"
for day in 0 1 2 3; do
  if [ "$day" -gt 0 ]; then admin clock/advance '{"seconds": 86400}'; fi
  step "looppost snapshot-stats -v    # day $day"
  faketime -f "+${day}d" "$looppost" snapshot-stats -v 2>&1 | grep -v ' http: \|^  ' || true
done
step "looppost stats    # the curves: views and their change over a day and a week"
faketime -f +3d "$looppost" stats --limit 6
step "looppost stats --csv | head -4    # one row per video per day, for a spreadsheet"
faketime -f +3d "$looppost" stats --csv | head -n 4
echo
echo "demo: done; the sandbox is stopped and the throw-away home removed."
