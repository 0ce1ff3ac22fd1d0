#!/usr/bin/env bash
# no-test-hooks.sh BIN...: a release build carries no test hooks. It fails
# when BIN links Go's testing package (a symbol "testing." in go tool nm; in
# a stripped build, the function names Go keeps for its stack traces) or
# names a DPGCERTS_TEST_* variable. The hooks are built only with -tags
# testhooks (app/dialogs_hooks.go), which scripts/e2e.sh passes to wails dev.
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"

[ $# -gt 0 ] || { echo "usage: scripts/no-test-hooks.sh BIN..." >&2; exit 2; }
failed=0
for bin; do
  [ -f "$bin" ] || { echo "no-test-hooks: $bin is missing" >&2; exit 2; }
  if syms=$(go tool nm "$bin" 2>/dev/null); then
    testing=$(grep -c ' testing\.' <<<"$syms" || true)
  else
    testing=$(grep -a -o 'testing\.[A-Za-z(]' "$bin" | wc -l || true)
  fi
  hooks=$(grep -a -o 'DPGCERTS_TEST_[A-Z_]*' "$bin" | sort -u | tr '\n' ' ' || true)
  if [ "$testing" -ne 0 ] || [ -n "$hooks" ]; then
    echo "no-test-hooks: $bin has $testing symbols of package testing and the hooks: ${hooks:-none}" >&2
    failed=1
  else
    echo "no-test-hooks: $bin: no testing symbol, no DPGCERTS_TEST_* variable"
  fi
done
exit "$failed"
