// Package bustest runs the real peers of the notification tests on the
// session bus: dunst, a notification server from Debian, and dbus-monitor
// recording each Notify call. The tests run inside dbus-run-session and
// xvfb-run (scripts/remind-check.sh sets EnvBusTest). Linux only.
package bustest
