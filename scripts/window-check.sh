#!/usr/bin/env bash
# make test-window: the built app opens a real window under Xvfb, and it is
# painted. It fills a cache with the end-to-end fixtures, runs
# build/bin/dpgcerts on it, takes screenshots of the X screen until the
# window shows the overview, and fails if it stays blank. The last
# screenshot is kept as artifacts/window.png; with WINDOW_UPDATE_DOCS=1 it
# is copied to docs/window.png too, the README's picture. First it checks
# that the binary carries no test hooks (scripts/no-test-hooks.sh).
#
#   WINDOW_BIN=build/bin/dpgcerts   the app to check (make build makes it)
#   WINDOW_TIMEOUT=60               seconds to wait for a painted window
#   WINDOW_MIN_COLOURS=200          distinct colours a painted window has at least
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="/usr/local/go/bin:$PATH"

bin=${WINDOW_BIN:-build/bin/dpgcerts}
timeout=${WINDOW_TIMEOUT:-60}
# A blank screen has 1 colour, a window that never painted its page 2-3 (the
# background colour and the frame); the overview, with its text, coloured
# tiles and anti-aliasing, has a few thousand. See docs/testing.md.
min_colours=${WINDOW_MIN_COLOURS:-200}
shot=$repo/artifacts/window.png

fail() { echo "window-check: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is missing (run make build)"
for tool in xvfb-run import identify go; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run make deps)"
done
bash scripts/no-test-hooks.sh "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dpgcerts-window.XXXXXX")
sid=
# cleanup_group ends xvfb-run, Xvfb, the app and anything they started:
# setsid gave them a session of their own.
. scripts/session.sh
cleanup_group() {
  end_session "$sid"
  sid=
}
cleanup() {
  cleanup_group
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now=$(go run ./e2e/fixtures -big 0 "$tmp/fixtures")
# DPGCERTS_SCHEDULER=off: the window registers no daily reminder in this user's scheduler.
export DPGCERTS_NOW=$now DPGCERTS_KEYCHAIN=off DPGCERTS_SCHEDULER=off
"$bin" scan --db "$tmp/window.db" --passwords "$tmp/fixtures/passwords.txt" "$tmp/fixtures/certs" >/dev/null
mkdir -p "$(dirname "$shot")"
rm -f "$shot"

# Inside Xvfb: start the app, then screenshot the whole screen every second
# until it has enough colours twice in a row (painted and settled), or the
# time is up. The last screenshot stays either way.
cat >"$tmp/inside.sh" <<'INSIDE'
set -u
"$BIN" --db "$DB" --lang en >"$LOG" 2>&1 &
app=$!
prev=0
for _ in $(seq 1 "$TIMEOUT"); do
  sleep 1
  if ! kill -0 "$app" 2>/dev/null; then
    echo "the app exited early" >"$RESULT"
    exit 1
  fi
  import -window root "$SHOT.tmp.png" 2>/dev/null && mv "$SHOT.tmp.png" "$SHOT" || continue
  colours=$(identify -format '%k' "$SHOT")
  echo "$colours" >"$RESULT"
  if [ "$colours" -ge "$MIN" ] && [ "$prev" -ge "$MIN" ]; then
    break
  fi
  prev=$colours
done
kill "$app" 2>/dev/null
wait "$app" 2>/dev/null
exit 0
INSIDE

echo "window-check: starting $bin under Xvfb"
BIN=$bin DB=$tmp/window.db LOG=$tmp/app.log SHOT=$shot RESULT=$tmp/result TIMEOUT=$timeout MIN=$min_colours \
  setsid xvfb-run -a -s '-screen 0 1280x800x24' bash "$tmp/inside.sh" </dev/null &
sid=$!
wait "$sid" || true
# The app may have left children behind: end the whole group now.
cleanup_group

result=$(cat "$tmp/result" 2>/dev/null || echo "no screenshot")
if ! [[ "$result" =~ ^[0-9]+$ ]]; then
  echo "window-check: $result; the app's log:" >&2
  cat "$tmp/app.log" >&2 || true
  echo "window-check: 0 passed, 1 failed"
  exit 1
fi
sd=$(identify -format '%[fx:standard_deviation]' "$shot")
echo "window-check: ${shot#"$repo"/}: $result colours, standard deviation $sd"
if [ "$result" -lt "$min_colours" ]; then
  echo "window-check: the window is blank (fewer than $min_colours colours); the app's log:" >&2
  cat "$tmp/app.log" >&2 || true
  echo "window-check: 0 passed, 1 failed"
  exit 1
fi
echo "window-check: the window is painted"
if [ -n "${WINDOW_UPDATE_DOCS:-}" ]; then
  cp "$shot" docs/window.png
  echo "window-check: copied to docs/window.png"
fi
echo "window-check: 1 passed, 0 failed"
