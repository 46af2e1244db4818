#!/usr/bin/env bash
# make demo: looppost's main job on the embedded default, the sandbox. Starts looppost-sandbox on a
# free port, points a throw-away looppost home at it, configures the sandbox's TikTok app, runs
# `looppost doctor`, and stops the sandbox again.
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
"$sandbox" --port 0 >"$work/ready" 2>"$work/sandbox.log" &
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
step "looppost doctor --json"
"$looppost" doctor --json
echo
echo "demo: done; the sandbox is stopped and the throw-away home removed."
