#!/usr/bin/env bash
# make test-windows: the real Windows release from `make dist` under Wine.
#
# It runs build/bin/dpgcerts.exe, dpgcerts.com and the NSIS installer in a
# throwaway Wine prefix, as a new user would, against the Linux sandbox on
# loopback:
# - scan (JSON and table), with the default cache in %LOCALAPPDATA%: a first
#   scan, a cached rescan, and a cache an earlier version left in Roaming
#   moved on first start;
# - install, activate and sync, with the portal token and the passwords
#   remembered in Credential Manager (go-keyring's wincred backend), and a
#   pending install's password kept there until a later sync;
# - Windows paths: a drive letter, backslashes, æøå in folder names and a
#   path longer than 260 characters; a CRLF passwords file with a BOM;
# - exit codes, also through cmd.exe with dpgcerts.com (%ERRORLEVEL%);
# - the window's start without WebView2: the native message boxes, the log
#   line and a non-zero exit, not a hang;
# - the installer's silent install (files, shortcuts, PATH), `uninstall.exe
#   /S` (data kept) and `/S /REMOVEDATA` (data removed).
#
# What Wine can't show: the WebView2 window itself (no runtime offline). The
# static checks of the release stay in scripts/test-dist.sh.
#
# Debian 12's Wine 8.0 can't start a Go 1.24+ program (no ProcessPrng in
# bcryptprimitives.dll); scripts/wine/bcryptprimitives-shim.c, a test harness
# built here with mingw, stands in for it in the prefix's system32. Every
# Wine call is bounded by a timeout; the prefix and the sandbox go away at
# the end (KEEP=1 keeps the work folder). The installer and the message
# boxes need a display: it re-runs itself under xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Always a display of its own: xdotool presses keys, and the message boxes
# must not land on a developer's screen.
if [ -z "${DPGCERTS_WINE_XVFB:-}" ]; then
  DPGCERTS_WINE_XVFB=1 exec xvfb-run -a -s '-screen 0 1280x800x24' bash "$0" "$@"
fi

WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
started=$SECONDS

die() { echo "test-windows: $*" >&2; exit 1; }
. scripts/check.sh # pass, fail, check; $failures
step() { echo "== $* ($((SECONDS - started))s)"; }

[ -x "$WINE" ] || die "no $WINE: apt-get install wine64 (scripts/apt-deps.sh)"
command -v x86_64-w64-mingw32-gcc >/dev/null || die "no mingw: apt-get install gcc-mingw-w64-x86-64"
command -v xdotool >/dev/null || die "no xdotool: apt-get install xdotool"
for f in build/bin/dpgcerts.exe build/bin/dpgcerts.com build/bin/dpgcerts-amd64-installer.exe build/bin/dist-windows.env; do
  [ -f "$f" ] || die "$f is missing: run make dist first"
done
. build/bin/dist-windows.env

work=$(mktemp -d "${TMPDIR:-/tmp}/dpgcerts-wine.XXXXXX")
sandbox_pid=
cleanup() {
  local rc=$?
  [ -z "$sandbox_pid" ] || kill "$sandbox_pid" 2>/dev/null || true
  timeout 30 "$WINESERVER" -k 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko prompts: nothing here needs .NET or the HTML engine.
export WINEDLLOVERRIDES="mscoree,mshtml="
# Scripts' environment that would change what the program does.
unset DPGCERTS_TOKEN DPGCERTS_KEYCHAIN DPGCERTS_NOW DPGCERTS_TEST_PICK DPGCERTS_TEST_SAVE_DIR

# win SECONDS PROGRAM ARGS...: run a Windows program, bounded. Its status is
# the program's (124 on a timeout).
win() {
  local t=$1
  shift
  timeout -k 10 "$t" "$WINE" "$@"
}
# wait_wine: until every Windows process has ended (an uninstaller copies
# itself to %TEMP% and returns at once).
wait_wine() { timeout 120 "$WINESERVER" -w || fail "Wine's processes ended within 120s"; }
# run COMMAND...: sets rc to its exit status, without set -e stopping the
# script.
run() { rc=0; "$@" || rc=$?; }
# no_key KEY: the registry key is gone.
no_key() { ! win 60 reg query "$1" >/dev/null 2>&1; }
has_key() { win 60 reg query "$1" >/dev/null 2>&1; }

step "the Wine prefix"
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives-shim.c -ladvapi32
win 180 wineboot -i >/dev/null 2>&1 || die "wineboot -i failed"
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
# Wails' installer refuses anything older than Windows 10.
win 60 winecfg -v win10 >/dev/null 2>&1 || die "winecfg -v win10 failed"
profile=$WINEPREFIX/drive_c/users/$(id -un)
local_data=$profile/AppData/Local/dpgcerts
roaming_data=$profile/AppData/Roaming/dpgcerts

# D: is the test data; the fixtures sit in a folder with æøå, and the
# overview files again under a path longer than 260 characters.
data=$work/data
mkdir -p "$data"
ln -s "$data" "$WINEPREFIX/dosdevices/d:"
go run ./e2e/fixtures -big 0 "$work/fixtures" >/dev/null
long="Certifikater æøå"
for i in 1 2 3 4; do
  long+="/mappe-$i-med-et-langt-navn-til-kommunens-certifikater-og-noegler"
done
mkdir -p "$data/$long"
cp -r "$work/fixtures/certs" "$data/$long/"
cp -r "$work/fixtures/portal" "$work/fixtures/new" "$data/Certifikater æøå/"
# ASCII copies for cmd.exe lines, which can't quote through Wine's command
# line: the overview, and the console companion.
cp -r "$work/fixtures/certs" "$data/certs"
mkdir -p "$data/bin" && cp build/bin/dpgcerts.com "$data/bin/"
winpath() { printf 'D:\\%s' "${1//\//\\}"; }
certs_win=$(winpath "$long/certs")
portal_win=$(winpath "Certifikater æøå/portal")
[ ${#certs_win} -gt 260 ] || die "the long path is only ${#certs_win} characters"
# The passwords file as Notepad saves it: a BOM, CRLF line ends.
printf '\xef\xbb\xbf' >"$data/adgangskoder.txt"
sed 's/$/\r/' "$work/fixtures/passwords.txt" >>"$data/adgangskoder.txt"
passwords_win='D:\adgangskoder.txt'
now=$(cat "$work/fixtures/now.txt")

# The Linux side: the sandbox portal, from the same backend/cli (the console
# build has no window to link), and the keychain test harness for Windows.
go build -o "$work/dpgcerts-linux" ./cmd/dpgcerts-console
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/keychain.exe" ./scripts/wine/keychain

# expect_statuses JSON_FILE ROOT_WIN EXPECTED_JSON SUBDIR: each file in the
# scan's JSON has the status expected.json gives it, at its Windows path.
expect_statuses() {
  node -e '
    const fs = require("fs");
    const [gotFile, root, expectedFile, sub] = process.argv.slice(1);
    const got = new Map(JSON.parse(fs.readFileSync(gotFile, "utf8")).files.map((f) => [f.path, f.status]));
    const want = new Map();
    for (const f of JSON.parse(fs.readFileSync(expectedFile, "utf8")).files) {
      if (f.path.startsWith(sub + "/")) {
        want.set(root + "\\" + f.path.slice(sub.length + 1).replaceAll("/", "\\"), f.status);
      }
    }
    const bad = [];
    for (const [p, s] of want) if (got.get(p) !== s) bad.push(`${p}: got ${got.get(p)}, want ${s}`);
    for (const p of got.keys()) if (!want.has(p)) bad.push(`${p}: not expected`);
    if (bad.length) { console.error(bad.join("\n")); process.exit(1); }
  ' "$@"
}
# free_port: a free TCP port on loopback.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

step "scan"
out=$(win 60 build/bin/dpgcerts.exe --version 2>&1) || true
check "dpgcerts.exe --version prints $VERSION" [ "$out" = "dpgcerts $VERSION" ]
out=$(win 60 build/bin/dpgcerts.com --version 2>&1) || true
check "dpgcerts.com --version prints $VERSION" [ "$out" = "dpgcerts $VERSION" ]

DPGCERTS_NOW="$now" DPGCERTS_KEYCHAIN=off run win 120 build/bin/dpgcerts.exe scan --json --no-cache \
  --passwords "$passwords_win" "$certs_win" >"$work/scan-nocache.json" 2>"$work/scan-nocache.err"
check "scan --no-cache exits 0 (rc $rc)" [ "$rc" = 0 ]
check "scan --no-cache: every file as expected, long path, æøå, CRLF passwords" \
  expect_statuses "$work/scan-nocache.json" "$certs_win" "$work/fixtures/expected.json" certs
check "scan --no-cache kept nothing" [ ! -e "$local_data/dpgcerts.db" ]

# A cache an earlier version left in Roaming (made with --db, a Windows
# path), with a log beside it.
mkdir -p "$roaming_data"
echo "old log line" >"$roaming_data/dpgcerts.log"
DPGCERTS_NOW="$now" DPGCERTS_KEYCHAIN=off run win 120 build/bin/dpgcerts.exe scan --json \
  --db 'C:\users\'"$(id -un)"'\AppData\Roaming\dpgcerts\dpgcerts.db' \
  --passwords "$passwords_win" "$certs_win" >"$work/scan-roaming.json" 2>"$work/scan-roaming.err"
check "scan --db into Roaming (an old version's place) exits 0 (rc $rc)" [ "$rc" = 0 ]
check "the old cache exists in Roaming" [ -s "$roaming_data/dpgcerts.db" ]

# The default cache: the first start moves the old one to Local. Without
# --passwords, the files it opened can only come out valid from the cache.
DPGCERTS_NOW="$now" DPGCERTS_KEYCHAIN=off run win 120 build/bin/dpgcerts.exe scan --json \
  "$certs_win" >"$work/scan-cached.json" 2>"$work/scan-cached.err"
check "scan with the default cache exits 0 (rc $rc)" [ "$rc" = 0 ]
check "the cache moved from Roaming to %LOCALAPPDATA%\\dpgcerts" \
  bash -c '[ -s "$1/dpgcerts.db" ] && [ ! -e "$2/dpgcerts.db" ]' _ "$local_data" "$roaming_data"
check "the log moved with it" grep -q "old log line" "$local_data/dpgcerts.log"
check "the cached rescan without passwords gives the same statuses" \
  expect_statuses "$work/scan-cached.json" "$certs_win" "$work/fixtures/expected.json" certs
check "no chmod sharing violation" bash -c '! grep -qi "chmod\|sharing violation\|cache can.t be used" "$1"' _ "$work/scan-cached.err"

# The table, and a second cached rescan through the plain default path.
DPGCERTS_NOW="$now" run win 120 build/bin/dpgcerts.exe scan "$certs_win" >"$work/scan-table.txt" 2>&1
check "scan (table) exits 0 (rc $rc)" [ "$rc" = 0 ]
check "the table names the files under the long path" grep -qF "exchange-online.p12" "$work/scan-table.txt"

# Exit codes.
DPGCERTS_NOW="$now" run win 120 build/bin/dpgcerts.exe scan --fail-on expiring "$certs_win" >/dev/null 2>&1
check "scan --fail-on expiring exits 1 (rc $rc)" [ "$rc" = 1 ]
DPGCERTS_NOW="$now" run win 120 build/bin/dpgcerts.exe scan --fail-on expired "$certs_win\\exchange-online.p12" >/dev/null 2>&1
check "scan --fail-on expired of a valid file exits 0 (rc $rc)" [ "$rc" = 0 ]
run win 60 build/bin/dpgcerts.exe scan --fail-on sometimes "$certs_win" >/dev/null 2>&1
check "scan with a wrong flag value exits 2 (rc $rc)" [ "$rc" = 2 ]

# Passwords remembered in Credential Manager, as "Remember in keychain" does.
DPGCERTS_NOW="$now" run win 120 build/bin/dpgcerts.exe scan --json --no-cache "$certs_win" >"$work/scan-nopw.json" 2>/dev/null
check "without passwords some files are locked" grep -q '"locked"' "$work/scan-nopw.json"
while IFS= read -r pw; do
  win 60 "$work/keychain.exe" remember "$pw" || fail "keychain remember"
done < "$work/fixtures/passwords.txt"
DPGCERTS_NOW="$now" run win 120 build/bin/dpgcerts.exe scan --json --no-cache "$certs_win" >"$work/scan-keychain.json" 2>/dev/null
check "passwords remembered in Credential Manager open the files" \
  expect_statuses "$work/scan-keychain.json" "$certs_win" "$work/fixtures/expected.json" certs

step "install, activate, sync against the sandbox"
port=$(free_port)
portal=http://127.0.0.1:$port
start_sandbox() {
  "$work/dpgcerts-linux" sandbox --addr "127.0.0.1:$port" --db "$work/sandbox.db" --quiet >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  die "the sandbox did not start: $(cat "$work/sandbox.log")"
}
win 60 "$work/keychain.exe" token "$portal" sandbox-admin || fail "keychain token"
entries=$(win 60 "$work/keychain.exe" count | tr -d '\r')

# The portal is down: the install waits in the outbox, its password in
# Credential Manager.
run win 120 build/bin/dpgcerts.exe install --portal "$portal" --timeout 3s \
  --passwords "$passwords_win" "$portal_win\\exchange-fornyet.p12" >"$work/install-down.txt" 2>&1
check "install with the portal down exits 3, pending (rc $rc)" [ "$rc" = 3 ]
after=$(win 60 "$work/keychain.exe" count | tr -d '\r')
check "the pending install's password is in Credential Manager ($entries -> $after)" [ "$after" = $((entries + 1)) ]

start_sandbox
run win 120 build/bin/dpgcerts.exe sync --portal "$portal" >"$work/sync-1.txt" 2>&1
check "sync sends the pending install with the password from Credential Manager (rc $rc)" [ "$rc" = 0 ]
after=$(win 60 "$work/keychain.exe" count | tr -d '\r')
check "the install's password is gone from Credential Manager ($after)" [ "$after" = "$entries" ]

run win 120 build/bin/dpgcerts.exe install --portal "$portal" --json \
  --passwords "$passwords_win" "$portal_win\\exchange-fornyet.p12" >"$work/install-again.json" 2>&1
check "install of an installed file exits 0, already installed (rc $rc)" [ "$rc" = 0 ]
run win 120 build/bin/dpgcerts.exe install --portal "$portal" \
  --passwords "$passwords_win" "$portal_win\\anden-kommune.p12" >"$work/install-other.txt" 2>&1
check "install of another organisation's file exits 1 (rc $rc)" [ "$rc" = 1 ]
check "... with cvr_mismatch" grep -q cvr_mismatch "$work/install-other.txt"

sha=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).files[0].certificate.sha256)' \
  <(win 60 build/bin/dpgcerts.exe scan --json --no-cache --passwords "$passwords_win" "$portal_win\\exchange-fornyet.p12" 2>/dev/null))
# Exchange Online asks for the proof that Entra has the certificate: none
# is wrong usage and leaves DPG alone; the thumbprint as Entra shows it
# (upper case) activates.
run win 120 build/bin/dpgcerts.exe activate --portal "$portal" --integration exchange_online \
  --certificate "${sha:0:12}" >"$work/activate-noentra.txt" 2>&1
check "activate exchange_online without the Entra proof exits 2 (rc $rc)" [ "$rc" = 2 ]
run win 120 build/bin/dpgcerts.exe activate --portal "$portal" --integration exchange_online \
  --certificate "${sha:0:12}" --entra-thumbprint "${sha^^}" >"$work/activate.txt" 2>&1
check "activate exchange_online with Entra's thumbprint exits 0 (rc $rc)" [ "$rc" = 0 ]
run win 120 build/bin/dpgcerts.exe sync --portal "$portal" --json >"$work/sync-2.json" 2>&1
check "sync exits 0 (rc $rc)" [ "$rc" = 0 ]
# status reads the offline copy: no network, and the activation is there.
run win 60 build/bin/dpgcerts.exe status --json >"$work/status.json" 2>&1
check "status from the offline copy exits 0 (rc $rc)" [ "$rc" = 0 ]
check "... exchange_online uses the activated certificate" node -e '
  const ov = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const exo = ov.integrations.find((i) => i.kind === "exchange_online");
  process.exit(exo && exo.certificate && exo.certificate.sha256 === process.argv[2] ? 0 : 1);' "$work/status.json" "$sha"
run win 60 build/bin/dpgcerts.exe sync --portal "http://localhost:$port" >"$work/sync-notoken.txt" 2>&1
check "sync without a token for that portal exits 2 (rc $rc)" [ "$rc" = 2 ]

step "the console companion through cmd.exe"
out=$(DPGCERTS_NOW="$now" win 120 cmd /c 'D:\bin\dpgcerts.com scan --fail-on expiring D:\certs >NUL & echo rc=%ERRORLEVEL%' 2>&1 | tr -d '\r') || true
check "cmd.exe gets dpgcerts.com's status 1 for --fail-on expiring ($out)" grep -qx 'rc=1' <<<"$out"
out=$(DPGCERTS_NOW="$now" win 120 cmd /c 'D:\bin\dpgcerts.com scan --fail-on expired D:\certs\exchange-online.p12 >NUL & echo rc=%ERRORLEVEL%' 2>&1 | tr -d '\r') || true
check "cmd.exe gets dpgcerts.com's status 0 ($out)" grep -qx 'rc=0' <<<"$out"

sandbox_stop() { [ -z "$sandbox_pid" ] || kill "$sandbox_pid" 2>/dev/null || true; sandbox_pid=; }
sandbox_stop

step "the sandbox under Wine"
# The last command: dpgcerts.exe sandbox, with the Linux build as its client.
port=$(free_port)
# timeout itself in the background (not the win function's subshell), so
# that killing it ends the program.
timeout -k 10 120 "$WINE" build/bin/dpgcerts.exe sandbox --addr "127.0.0.1:$port" --quiet >"$work/sandbox-wine.log" 2>&1 &
sandbox_pid=$!
up=
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
  sleep 0.2
done
check "dpgcerts.exe sandbox listens on loopback" [ -n "$up" ]
DPGCERTS_TOKEN=sandbox-admin DPGCERTS_KEYCHAIN=off run timeout 60 "$work/dpgcerts-linux" sync \
  --portal "http://127.0.0.1:$port" --db "$work/linux-client.db" >"$work/sync-wine-sandbox.txt" 2>&1
check "a sync against it exits 0 (rc $rc)" [ "$rc" = 0 ]
sandbox_stop
wait_wine

step "the window's start without WebView2"
# Wails offers to download the runtime (OK/Cancel, in the window's
# language); Cancel, as offline, must end in our message box, a line in the
# log and a non-zero exit. xdotool answers both boxes under Xvfb. Before the
# installer, which marks WebView2 present.
mkdir -p artifacts
press() { # press TITLE KEY: find the window titled TITLE, give it KEY
  local id
  id=$(timeout 60 xdotool search --sync --name "^$1\$" 2>/dev/null | head -1) || true
  [ -n "$id" ] || return 1
  xdotool windowfocus "$id" 2>/dev/null || true
  sleep 0.5
  [ -z "${3:-}" ] || import -window root "$3" 2>/dev/null || true
  xdotool key "$2"
}
start_fails() { # start_fails PROGRAM LANG ASK_TITLE FAILED_TITLE REASON
  local exe=$1 lang=$2 logfile=$local_data/dpgcerts.log before=0 pid
  [ ! -f "$logfile" ] || before=$(wc -l <"$logfile")
  if [ "$exe" = dpgcerts.com ]; then
    # Without a subcommand the companion starts dpgcerts.exe and returns.
    run win 60 build/bin/dpgcerts.com --lang "$lang"
    check "$lang: dpgcerts.com without a subcommand returns 0 at once (rc $rc)" [ "$rc" = 0 ]
  else
    win 120 "build/bin/$exe" --lang "$lang" >"$work/window-$lang.txt" 2>&1 &
    pid=$!
  fi
  check "$lang: Wails asks for WebView2 in a box titled '$3'" press "$3" Escape
  check "$lang: then the box '$4'" press "$4" Return "artifacts/windows-start-failed-$lang.png"
  if [ -n "${pid:-}" ]; then
    run wait "$pid"
    check "$lang: the window's start exits non-zero, not a hang (rc $rc)" bash -c '[ "$1" != 0 ] && [ "$1" != 124 ] && [ "$1" != 137 ]' _ "$rc"
  else
    wait_wine
  fi
  check "$lang: the log says why" bash -c 'tail -n +"$(($2 + 1))" "$1" | grep -qF "the window could not start: $3"' _ "$logfile" "$before" "$5"
}
start_fails dpgcerts.exe en "Missing requirements" "DPG Certificates could not start" "the WebView2 runtime is not installed"
start_fails dpgcerts.com da "Manglende forudsætninger" "DPG Certificates kunne ikke starte" "WebView2-runtimen er ikke installeret"

# An unusable cache (--db names a folder): a box says the window runs
# without one this time, then the start goes on (and fails as above).
before=$(wc -l <"$local_data/dpgcerts.log")
win 120 build/bin/dpgcerts.exe --db 'D:\certs' --lang en >"$work/window-cache.txt" 2>&1 &
pid=$!
check "an unusable cache: a box titled 'DPG Certificates can't use its cache'" \
  press "DPG Certificates can't use its cache" Return artifacts/windows-cache-failed-en.png
check "... then the start goes on to Wails' WebView2 box" press "Missing requirements" Escape
check "... and to the failed start's box" press "DPG Certificates could not start" Return
run wait "$pid"
check "... and exits 1 (rc $rc)" [ "$rc" = 1 ]
check "... and the log says why" bash -c 'tail -n +"$(($2 + 1))" "$1" | grep -qF "the cache can'"'"'t be opened"' _ "$local_data/dpgcerts.log" "$before"

step "the installer"
# WebView2 marked present, or the installer runs Microsoft's bootstrapper
# (which needs the internet).
win 60 reg add 'HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' \
  /v pv /d 120.0.0.0 /f >/dev/null 2>&1 || fail "reg add WebView2"
install_dir=$profile/AppData/Local/Programs/DPG\ Certificates
startmenu=$profile/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/DPG\ Certificates
user_path() { win 60 reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_[A-Z_]*SZ[[:space:]]*//p'; }
uninstall_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\dk.timengodpg.dpgcerts'

install() { # install [--path-untouched]
  local rc
  run win 300 build/bin/dpgcerts-amd64-installer.exe /S
  wait_wine
  check "installer /S exits 0 (rc $rc)" [ "$rc" = 0 ]
  for f in dpgcerts.exe dpgcerts.com uninstall.exe; do
    check "installed $f" [ -f "$install_dir/$f" ]
  done
  check "installed dpgcerts.exe is the release" cmp -s "$install_dir/dpgcerts.exe" build/bin/dpgcerts.exe
  check "Start-menu shortcuts" bash -c '[ -f "$1/DPG Certificates.lnk" ] && [ -f "$1/Uninstall DPG Certificates.lnk" ]' _ "$startmenu"
  check "the Settings > Apps entry" has_key "$uninstall_key"
  if [ "${1:-}" != --path-untouched ]; then
    check "the install folder is on the user's PATH" grep -qiF 'Programs\DPG Certificates' <<<"$(user_path)"
  fi
}
uninstall() { # uninstall ARGS...
  local rc
  run win 120 "$install_dir/uninstall.exe" "$@"
  wait_wine
  check "uninstall.exe $* exits 0 (rc $rc)" [ "$rc" = 0 ]
  check "uninstall.exe $*: the program is gone" bash -c '[ ! -e "$1/dpgcerts.exe" ] && [ ! -e "$1/dpgcerts.com" ]' _ "$install_dir"
  check "uninstall.exe $*: the install folder is gone" [ ! -e "$install_dir" ]
  check "uninstall.exe $*: the shortcuts are gone" [ ! -e "$startmenu" ]
  check "uninstall.exe $*: the PATH entry is gone" bash -c '! grep -qiF "Programs\\DPG Certificates" <<<"$1"' _ "$(user_path)"
  check "uninstall.exe $*: the Settings > Apps entry is gone" no_key "$uninstall_key"
}

# A PATH entry of the user's own must survive install and uninstall.
win 60 reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d 'C:\Tools;%USERPROFILE%\bin' /f >/dev/null 2>&1
install
out=$(DPGCERTS_NOW="$now" win 120 cmd /c 'dpgcerts scan --fail-on expiring D:\certs >NUL & echo rc=%ERRORLEVEL%' 2>&1 | tr -d '\r') || true
check "after install, 'dpgcerts' in cmd.exe is dpgcerts.com on PATH and returns 1 ($out)" grep -qx 'rc=1' <<<"$out"
uninstall /S
check "uninstall.exe /S keeps the data" [ -s "$local_data/dpgcerts.db" ]
check "the user's own PATH entries are kept" [ "$(user_path)" = 'C:\Tools;%USERPROFILE%\bin' ]

# A PATH longer than NSIS's 1024-character strings can't even be read: it
# must be left exactly as it was, not cut.
long_path='C:\Tools'
while [ ${#long_path} -lt 2000 ]; do long_path+=';C:\Program Files\Vendor Tool\bin'; done
win 60 reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d "$long_path" /f >/dev/null 2>&1
install --path-untouched
check "a 2000-character PATH is left as it was by the installer" [ "$(user_path)" = "$long_path" ]
mkdir -p "$roaming_data" && echo old >"$roaming_data/dpgcerts.db"
uninstall /S /REMOVEDATA
check "... and by the uninstaller" [ "$(user_path)" = "$long_path" ]
check "uninstall.exe /S /REMOVEDATA removes the data" [ ! -e "$local_data" ]
check "... and an old cache in Roaming" [ ! -e "$roaming_data" ]

# One that can be read, but not grown by the install folder within 1024.
long_path=${long_path:0:1000}
win 60 reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d "$long_path" /f >/dev/null 2>&1
install --path-untouched
check "a 1000-character PATH is left as it was by the installer" [ "$(user_path)" = "$long_path" ]
uninstall /S
check "... and by the uninstaller" [ "$(user_path)" = "$long_path" ]

echo "test-windows: done in $((SECONDS - started))s"
if [ "$failures" -gt 0 ]; then
  echo "test-windows: $failures failed" >&2
  exit 1
fi
echo "test-windows: all passed"
