#!/usr/bin/env bash
# make test-cli: the headless build, build/bin/dpgcerts-cli, as a server runs
# it: ldd lists no GTK or WebKit library, it starts in milliseconds, and its
# `check` runs once against the sandbox portal (started here, on loopback,
# by the same binary) with a fresh database.
#
#   CLI_BIN=build/bin/dpgcerts-cli   the program to check (make build-cli makes it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
source scripts/session.sh
bin=${CLI_BIN:-build/bin/dpgcerts-cli}
fail() { echo "cli-check: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is missing (run make build-cli)"

libs=$(ldd "$bin" 2>&1 || true)
if grep -Eiq 'gtk|webkit|gdk|javascriptcore|soup' <<<"$libs"; then
  echo "$libs" >&2
  fail "$bin links a desktop library"
fi
echo "cli-check: ldd lists $(grep -c '=>\|ld-linux' <<<"$libs") libraries, none of GTK or WebKit"

start=$(date +%s%N)
"$bin" --version >/dev/null
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "cli-check: --version in ${ms} ms"
[ "$ms" -lt 1000 ] || fail "--version took ${ms} ms"

work=$(mktemp -d)
sid=
cleanup() { end_session "$sid"; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setsid "$bin" sandbox --addr "127.0.0.1:$port" --quiet >"$work/sandbox.out" 2>&1 &
sid=$!
for _ in $(seq 1 100); do
  grep -q '^Sandbox portal on' "$work/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
grep -q '^Sandbox portal on' "$work/sandbox.out" || { cat "$work/sandbox.out" >&2; fail "the sandbox did not start"; }

set +e
DPGCERTS_TOKEN=sandbox-admin DPGCERTS_KEYCHAIN=off "$bin" check --db "$work/app.db" --portal "http://127.0.0.1:$port" \
  >"$work/check.out" 2>"$work/check.err"
code=$?
set -e
case $code in
  0|1) ;;
  *) cat "$work/check.err" >&2; fail "check exited $code" ;;
esac
# What check synced is in the database: the offline copy, read without network.
DPGCERTS_KEYCHAIN=off "$bin" status --db "$work/app.db" --json >"$work/status.json"
python3 - "$work/status.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["integrations"], "no integrations after the sync"
assert d["syncedAt"], "no sync recorded"
PY
echo "cli-check: check synced with the sandbox and exited $code"

# The monitoring formats of the same binary on the same database.
set +e
DPGCERTS_KEYCHAIN=off "$bin" check --db "$work/app.db" --format nagios >"$work/nagios.out"
code=$?
set -e
head -1 "$work/nagios.out" | grep -Eq '^DPG (OK|WARNING|CRITICAL) - ' || { cat "$work/nagios.out" >&2; fail "nagios: $(head -1 "$work/nagios.out")"; }
[ "$code" -le 2 ] || fail "nagios: exit $code"
echo "cli-check: nagios: $(head -1 "$work/nagios.out") (exit $code)"
DPGCERTS_KEYCHAIN=off "$bin" check --db "$work/app.db" --format prometheus --textfile "$work/dpgcerts.prom" || true
command -v promtool >/dev/null || fail "promtool is missing (run make deps)"
promtool check metrics <"$work/dpgcerts.prom"
grep -q '^dpgcerts_up 1$' "$work/dpgcerts.prom" || fail "dpgcerts_up is not 1"
echo "cli-check: the metrics file passes promtool check metrics"

# The alert rules docs/reminders.md gives pass promtool check rules.
python3 - docs/reminders.md "$work/rules.yml" <<'PY'
import re, sys
m = re.search(r"Alert rules:\n\n```yaml\n(.*?)```", open(sys.argv[1]).read(), re.S)
assert m, "docs/reminders.md has no alert rules"
open(sys.argv[2], "w").write(m.group(1))
PY
promtool check rules "$work/rules.yml"

# The metrics through a real node_exporter's textfile collector, and the
# nagios table, in the Go tests (they must not skip here).
DPGCERTS_PROM_TEST=1 go test -count=1 -run 'TestCheckPrometheus|TestCheckNagios' ./backend/cli
echo "cli-check: passed"
