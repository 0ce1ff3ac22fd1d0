#!/usr/bin/env bash
# window-weight.sh N...: the real window's weight with N certificates, for
# make bench. For each N it writes N distinct certificates (go run
# ./e2e/fixtures -many N), fills a cache with dpgcerts scan, starts the built
# window (build/bin/dpgcerts) on it under Xvfb, waits until it has painted
# (a screenshot with many colours, twice, as window-check.sh does) and has
# settled, and prints one line "window N RSS_MB": the resident memory of
# dpgcerts and the processes it started (WebKitWebProcess,
# WebKitNetworkProcess), from /proc.
#
#   WINDOW_BIN=build/bin/dpgcerts   the window to run
#   WINDOW_SETTLE=15                seconds to wait after the paint (WebKit's
#                                   garbage collection makes shorter waits noisy)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

bin=${WINDOW_BIN:-build/bin/dpgcerts}
settle=${WINDOW_SETTLE:-15}
fail() { echo "window-weight: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is missing (run make build)"
for tool in xvfb-run import identify go; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run make deps)"
done
[ $# -gt 0 ] || fail "usage: scripts/window-weight.sh N..."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dpgcerts-weight.XXXXXX")
sid=
. scripts/session.sh # end_session: the window's session, from setsid
stop_session() {
  end_session "$sid"
  sid=
}
cleanup() {
  stop_session
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# inside.sh runs in Xvfb: the window, its paint, then the RSS of the window
# and its descendants (summed VmRSS, in kB) into RESULT.
cat >"$tmp/inside.sh" <<'INSIDE'
set -u
"$BIN" --db "$DB" --lang en >"$LOG" 2>&1 &
app=$!
prev=0
painted=
for _ in $(seq 1 120); do
  sleep 1
  kill -0 "$app" 2>/dev/null || { echo "the app exited early" >"$RESULT"; exit 1; }
  import -window root "$SHOT" 2>/dev/null || continue
  colours=$(identify -format '%k' "$SHOT")
  if [ "$colours" -ge 200 ] && [ "$prev" -ge 200 ]; then painted=1; break; fi
  prev=$colours
done
[ -n "$painted" ] || { echo "the window did not paint" >"$RESULT"; kill "$app"; exit 1; }
sleep "$SETTLE"
# descendants of the app, by parent pid
pids=$app
frontier=$app
while [ -n "$frontier" ]; do
  next=
  for p in $frontier; do
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do next="$next $c"; done
  done
  pids="$pids $next"
  frontier=$next
done
kb=0
for p in $pids; do
  r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
  kb=$((kb + ${r:-0}))
done
echo "$kb" >"$RESULT"
ps -o pid=,rss=,comm= -p "$(echo $pids | tr ' ' ',')" >"$RESULT.ps" 2>/dev/null || true
kill "$app" 2>/dev/null
wait "$app" 2>/dev/null
exit 0
INSIDE

for n in "$@"; do
  dir=$tmp/$n
  now=$(go run ./e2e/fixtures -big 0 -many "$n" "$dir")
  export DPGCERTS_NOW=$now DPGCERTS_KEYCHAIN=off DPGCERTS_SCHEDULER=off
  "$bin" scan --db "$dir/window.db" "$dir/many" >/dev/null
  BIN=$bin DB=$dir/window.db LOG=$dir/app.log SHOT=$dir/shot.png RESULT=$dir/result SETTLE=$settle \
    setsid xvfb-run -a -s '-screen 0 1280x800x24' bash "$tmp/inside.sh" </dev/null &
  sid=$!
  wait "$sid" || true
  stop_session
  result=$(cat "$dir/result" 2>/dev/null || echo "no result")
  [[ "$result" =~ ^[0-9]+$ ]] || fail "$n certificates: $result"
  sed 's/^/window-weight: /' "$dir/result.ps" >&2 || true
  echo "window $n $((result / 1024))"
done
