#!/usr/bin/env bash
# make test-notify: the reminders on a real session bus. Inside
# dbus-run-session (a private session bus) and xvfb-run (dunst wants a
# display), the Go tests start dunst, a real notification server, and
# dbus-monitor, and check what `dpgcerts check --notify` sends
# (backend/cli/check_bus_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
for tool in dbus-run-session xvfb-run dunst dbus-monitor notify-send; do
  command -v "$tool" >/dev/null || { echo "notify-check: $tool is missing (run make deps)" >&2; exit 1; }
done
# Build first, outside the bus: the compile is the slow part.
go test -count=1 -run '^$' ./backend/cli >/dev/null
DPGCERTS_BUS_TEST=1 xvfb-run -a -s '-screen 0 640x480x24' \
  dbus-run-session -- go test -count=1 -v -run 'OnBus' ./backend/cli
