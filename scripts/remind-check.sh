#!/usr/bin/env bash
# make test-remind: the reminders against real peers.
#  - Inside dbus-run-session (a private session bus) and xvfb-run (dunst
#    and the window want a display), the Go tests start dunst, a real
#    notification server, and dbus-monitor, and check what `dpgcerts check
#    --notify` sends (backend/cli/check_bus_test.go) and what the running
#    window sends after its scan, and that a click reaches it
#    (app/window_remind_test.go, on the built app).
#  - Wine's schtasks registers and deletes the Windows task, and the
#    uninstaller of the built installer deletes it too
#    (backend/schedule/wine_test.go); and the Windows build's `check
#    --notify`, with no real PowerShell there, prints the reminder
#    (backend/cli/check_wine_test.go).
#
#   WINDOW_BIN=build/bin/dpgcerts                           the app to run (make build makes it)
#   INSTALLER=build/bin/dpgcerts-amd64-installer.exe        the installer (make dist makes it)
#   WINDOWS_EXE=build/bin/dpgcerts.exe                       the Windows build (make dist makes it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
bin=${WINDOW_BIN:-build/bin/dpgcerts}
installer=${INSTALLER:-build/bin/dpgcerts-amd64-installer.exe}
windows_exe=${WINDOWS_EXE:-build/bin/dpgcerts.exe}
fail() { echo "remind-check: $*" >&2; exit 1; }
for tool in dbus-run-session xvfb-run dunst dunstctl dbus-monitor notify-send; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run make deps)"
done
[ -x "$bin" ] || fail "$bin is missing (run make build)"
[ -x /usr/lib/wine/wine64 ] || fail "Wine is missing (run make deps)"

# Compile first, outside the bus: it is the slow part.
go test -count=1 -run '^$' ./backend/cli ./app ./backend/schedule >/dev/null

echo "remind-check: notifications on a session bus with dunst"
# -p 1: one package at a time on the one bus, or each monitor would see
# the other's notifications.
DPGCERTS_BUS_TEST=1 DPGCERTS_WINDOW_BIN="$(realpath "$bin")" xvfb-run -a -s '-screen 0 1280x800x24' \
  dbus-run-session -- go test -p 1 -count=1 -v -run 'OnBus|TestWindowNotifies' ./backend/cli ./app 2>&1 \
  | grep -v '^dbus-daemon\|^SpiRegistry'

echo "remind-check: the Windows task with Wine's schtasks, and the uninstaller"
if [ -f "$installer" ]; then
  export DPGCERTS_INSTALLER=$(realpath "$installer")
else
  echo "remind-check: $installer is missing (make dist): the uninstaller's check is skipped"
fi
if [ -f "$windows_exe" ]; then
  export DPGCERTS_WINDOWS_EXE=$(realpath "$windows_exe")
else
  echo "remind-check: $windows_exe is missing (make dist): the Windows build's check is skipped"
fi
DPGCERTS_WINE_TEST=1 go test -p 1 -count=1 -v -run 'OnWine' ./backend/schedule ./backend/cli | grep -E '^(--- |PASS|FAIL|ok)|SKIP'
echo "remind-check: passed"
