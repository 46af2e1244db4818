#!/usr/bin/env bash
# Rehearse a looppost setup against looppost-sandbox instead of TikTok: a throw-away home, the
# sandbox's app credentials, and doctor. Run your own bulk script where the comment says, with
# the same environment, before pointing it at TikTok.
#   examples/rehearse.sh [PROFILE.json]
set -euo pipefail
profile=${1:-$(dirname "$0")/sandbox-profile.json}

home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$home"' EXIT
coproc SANDBOX { looppost-sandbox --port 0 --config "$profile"; }
pid=$SANDBOX_PID
read -r _ port <&"${SANDBOX[0]}"

export LOOPPOST_HOME=$home LOOPPOST_API_BASE=http://127.0.0.1:$port LOOPPOST_AUTH_BASE=http://127.0.0.1:$port
looppost app set --client-key sbx_client_key --client-secret-stdin <<<sbx_client_secret
looppost doctor
# … your script here …
curl -s "http://127.0.0.1:$port/_sandbox/state"
