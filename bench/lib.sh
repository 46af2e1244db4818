# Shared by the bench/*.sh scripts that talk to looppost-sandbox: source it after setting
# $work (a scratch folder), $looppost and $sandbox. Ratios, never timed asserts.

client_key=sbx_client_key
client_secret=sbx_client_secret
redirect=https://sandbox.looppost.test/callback/
sandbox_pid=

# start_sandbox CONFIG.json: a fresh looppost-sandbox on a free port; sets $port and $base.
start_sandbox() {
  stop_sandbox
  "$sandbox" --port 0 --config "$1" >"$work/sandbox.out" 2>"$work/sandbox.err" &
  sandbox_pid=$!
  port=
  for _ in $(seq 1 200); do
    { read -r word port <"$work/sandbox.out"; } 2>/dev/null || true
    [ "${word:-}" = LISTENING ] && [ -n "$port" ] && break
    port=
    sleep 0.05
  done
  [ -n "$port" ] || { echo "bench: looppost-sandbox did not start:" >&2; cat "$work/sandbox.err" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  export LOOPPOST_API_BASE=$base LOOPPOST_AUTH_BASE=$base
}
stop_sandbox() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
    sandbox_pid=
  fi
}

# admin METHOD PATH [JSON]: the sandbox's admin API.
admin() {
  curl -sS --fail-with-body -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$base/_sandbox/$2" >/dev/null
}

# make_home DIR [SCOPES]: an app with SCOPES (default: inbox only) and looppost's own limits
# raised out of the way.
make_home() {
  mkdir -m 700 "$1"
  LOOPPOST_HOME="$1" "$looppost" -q app set --client-key "$client_key" --client-secret-stdin \
    --scopes "${2:-user.info.basic,video.upload}" <<<"$client_secret" >/dev/null
  local s
  for s in limit_inits_per_minute limit_creator_info_per_minute limit_status_per_minute \
    limit_direct_posts_per_day limit_inbox_shares_per_day; do
    LOOPPOST_HOME="$1" "$looppost" -q config set "$s" 1000000 >/dev/null
  done
}

# login HOME USER: `looppost auth login --method browser` as the sandbox user USER; this script
# plays the browser (curl follows the consent page's redirect to looppost's loopback listener).
login() {
  admin POST config "{\"consent_user\": \"$2\"}"
  # Emptied here, not by the background job's redirections, which may come after the first grep.
  : >"$work/login.out"
  : >"$work/login.err"
  LOOPPOST_HOME="$1" "$looppost" auth login --method browser --no-browser --name "$2" \
    --timeout 30 >>"$work/login.out" 2>>"$work/login.err" &
  local pid=$! url=
  for _ in $(seq 1 200); do
    url=$(grep -aoh "$base/v2/auth/authorize/[^[:space:]]*" "$work/login.out" "$work/login.err" \
      2>/dev/null | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { kill "$pid"; echo "bench: no consent URL from auth login" >&2; cat "$work/login.err" >&2; exit 1; }
  curl -sS -L -o /dev/null "$url"
  wait "$pid" || { echo "bench: auth login as $2 failed:" >&2; cat "$work/login.err" >&2; exit 1; }
}

now_s() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
secs() { awk -v s="$1" 'BEGIN { printf "%.2f s", s }'; }

table=()
missed=0
# row NAME LOOPPOST REFERENCE RATIO CMP TARGET REF_NAME
row() {
  local verdict
  verdict=$(awk -v r="$4" -v t="$6" -v c="$5" 'BEGIN { ok = (c == "<=") ? r <= t : r >= t; print ok ? "met" : "NOT met" }')
  [ "$verdict" = met ] || missed=1
  table+=("$(printf '%-36s %12s %12s  %-24s %6sx %7s  %s' "$1" "$2" "$3" "$7" "$4" "$5$6" "$verdict")")
}
# print_table: the rows, under a header.
print_table() {
  printf '%-36s %12s %12s  %-24s %7s %7s  %s\n' benchmark looppost reference "ref. is" ratio target result
  printf '%s\n' "${table[@]}"
}
