# session.sh, sourced by the test scripts: ends a process session started
# with setsid (xvfb-run, Xvfb, the app, wails dev and Vite, a CA), all of
# it. A group kill would miss what started another process group (wails dev
# starts Vite in one of its own).

# session_pids SID lists the processes of session SID.
session_pids() { ps -eo pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; }

# end_session SID [TRIES] sends TERM to every process of session SID, KILL
# to what is left after TRIES fifths of a second (25 by default), and reaps
# SID.
end_session() {
  local sid=$1 tries=${2:-25} pids
  [ -n "$sid" ] || return 0
  pids=$(session_pids "$sid")
  [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 "$tries"); do
    [ -n "$(session_pids "$sid")" ] || break
    sleep 0.2
  done
  pids=$(session_pids "$sid")
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  wait "$sid" 2>/dev/null || true
}
