# check.sh, sourced by the packaging check (test-dist.sh) and the run under
# Wine (test-windows.sh): one line per check, ok or FAIL, and the count of
# failures in $failures.
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
