#!/usr/bin/env bash
# The packaging check, run after `make dist` (scripts/dist.sh windows):
# - the program and the installer exist and are 64-bit Windows GUI programs
#   (PE32+), and the console companion dpgcerts.com a 64-bit console program;
# - the program and the companion were built with cgo (SQLite needs it) and
#   with the version, and the companion without the WebView;
# - all three carry an Authenticode signature that osslsigncode verifies;
# - the installer holds that signed program and companion, the WebView2
#   bootstrapper and a signed uninstaller, and asks for no administrator
#   rights;
# - the version resources hold the version: the strings in full, the fixed
#   numbers as scripts/dist-version.sh derives them;
# - the product name, company and copyright are there;
# - neither program carries a test hook (scripts/no-test-hooks.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/dist-version.sh

exe=build/bin/dpgcerts.exe
com=build/bin/dpgcerts.com
installer=build/bin/dpgcerts-amd64-installer.exe

. scripts/check.sh # pass, fail, check; $failures

# The numbers derived from a version, for the fixed version fields.
numeric_cases=(
  "v1.2.3=1.2.3.0"
  "v1.2.3-rc1=1.2.3.0"
  "v1.2.3-4-gabc1234=1.2.3.4"
  "v1.2.3-4-gabc1234-dirty=1.2.3.4"
  "2.0.10=2.0.10.0"
  "66995cc=0.0.0.0"
  "dev=0.0.0.0"
  "v70000.0.0=0.0.0.0"
)
for c in "${numeric_cases[@]}"; do
  got=$(dist_numeric "${c%%=*}")
  check "dist_numeric ${c%%=*} = ${c#*=}" [ "$got" = "${c#*=}" ]
done

for f in "$exe" "$com" "$installer"; do
  if [ ! -f "$f" ]; then
    fail "$f exists (run make dist first)"
    exit 1
  fi
done
[ -f build/bin/dist-windows.env ] || { fail "build/bin/dist-windows.env exists (written by make dist)"; exit 1; }
# VERSION and SIGN_CAFILE of the build that made the files.
. build/bin/dist-windows.env
echo "checking the build of $VERSION"

is_pe64_gui() { file -b "$1" | grep -q '^PE32+ executable (GUI) x86-64'; }
check "$exe is a PE32+ GUI program" is_pe64_gui "$exe"
check "$installer is a PE32+ GUI program" is_pe64_gui "$installer"
check "$com is a PE32+ console program" bash -c "file -b '$com' | grep -q '^PE32+ executable (console) x86-64'"
check "$installer is an NSIS installer" bash -c "LC_ALL=C grep -qaF NullsoftInst '$installer'"
check "$exe and $com carry no test hooks" bash scripts/no-test-hooks.sh "$exe" "$com"

buildinfo=$(go version -m "$exe")
check "$exe was built with CGO_ENABLED=1" grep -q $'^\tbuild\tCGO_ENABLED=1$' <<<"$buildinfo"
check "$exe was built for windows/amd64" grep -q $'^\tbuild\tGOOS=windows$' <<<"$buildinfo"
# -trimpath keeps -ldflags out of the build info: look for the string itself.
check "$exe holds main.version $VERSION" bash -c "LC_ALL=C grep -qaF -- '$VERSION' '$exe'"
cominfo=$(go version -m "$com")
check "$com was built with CGO_ENABLED=1" grep -q $'^\tbuild\tCGO_ENABLED=1$' <<<"$cominfo"
check "$com is the console companion (cmd/dpgcerts-console)" grep -q $'^\tpath\tdpgcerts/cmd/dpgcerts-console$' <<<"$cominfo"
check "$com links no WebView (no wailsapp module)" bash -c '! grep -q wailsapp <<<"$1"' _ "$cominfo"
check "$com holds main.version $VERSION" bash -c "LC_ALL=C grep -qaF -- '$VERSION' '$com'"

check "both files carry a signature that verifies" \
  env SIGN_CAFILE="${SIGN_CAFILE:-}" bash scripts/sign-windows.sh --verify "$exe" "$com" "$installer"

# Inside the installer (7-Zip reads NSIS installers): the signed program,
# byte for byte; the WebView2 bootstrapper; a signed uninstaller.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
if 7z x -y -o"$unpacked" "$installer" dpgcerts.exe dpgcerts.com uninstall.exe \
  '$PLUGINSDIR/webview2bootstrapper/MicrosoftEdgeWebview2Setup.exe' >/dev/null; then
  check "the installer holds the signed $exe" cmp -s "$unpacked/dpgcerts.exe" "$exe"
  check "the installer holds the signed $com" cmp -s "$unpacked/dpgcerts.com" "$com"
  check "the installer holds the WebView2 bootstrapper" \
    test -s "$unpacked/\$PLUGINSDIR/webview2bootstrapper/MicrosoftEdgeWebview2Setup.exe"
  check "the installer's uninstaller is signed" \
    env SIGN_CAFILE="${SIGN_CAFILE:-}" bash scripts/sign-windows.sh --verify "$unpacked/uninstall.exe"
else
  fail "7z unpacks $installer"
fi
# RequestExecutionLevel user: Windows asks for no administrator rights.
check "the installer runs as the user (asInvoker)" \
  bash -c "LC_ALL=C grep -qaF 'requestedExecutionLevel level=\"asInvoker\"' '$installer'"

# utf16 TEXT: a grep -P pattern for TEXT in UTF-16LE (ASCII text).
utf16() {
  local s=$1 out='' i h
  for ((i = 0; i < ${#s}; i++)); do
    printf -v h '%02x' "'${s:i:1}"
    out+="\\x$h\\x00"
  done
  printf '%s' "$out"
}
# has_string FILE KEY VALUE: a String entry of a VS_VERSIONINFO: the key,
# its NUL, padding to 32 bits, the value and its NUL.
has_string() {
  LC_ALL=C grep -qaP "$(utf16 "$2")\\x00\\x00(\\x00\\x00)?$(utf16 "$3")\\x00\\x00" "$1"
}
# has_fixed_version FILE A.B.C.D: VS_FIXEDFILEINFO's signature, its struct
# version (1.0, or 0 from makensis), then the file version as two little-endian DWORDs (A<<16|B, C<<16|D).
has_fixed_version() {
  local a b c d pattern
  IFS=. read -r a b c d <<<"$2"
  le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8)); }
  pattern="(?s)\\xbd\\x04\\xef\\xfe\\x00\\x00[\\x00\\x01]\\x00$(le16 "$b")$(le16 "$a")$(le16 "$d")$(le16 "$c")"
  LC_ALL=C grep -qaP "$pattern" "$1"
}

numbers=$(dist_numeric "$VERSION")
for f in "$exe" "$com" "$installer"; do
  check "$f: ProductVersion is $VERSION" has_string "$f" ProductVersion "$VERSION"
  check "$f: FileVersion is $VERSION" has_string "$f" FileVersion "$VERSION"
  check "$f: fixed file version is $numbers" has_fixed_version "$f" "$numbers"
  check "$f: ProductName is DPG Certificates" has_string "$f" ProductName "DPG Certificates"
  check "$f: CompanyName is DPG" has_string "$f" CompanyName "DPG"
  check "$f: LegalCopyright names DPG" \
    bash -c "LC_ALL=C grep -qaP '$(utf16 LegalCopyright)\\x00\\x00(\\x00\\x00)?$(utf16 Copyright)' '$f'"
done
check "$exe: FileDescription is DPG Certificates" has_string "$exe" FileDescription "DPG Certificates"
check "$exe: OriginalFilename is dpgcerts.exe" has_string "$exe" OriginalFilename "dpgcerts.exe"
check "$com: OriginalFilename is dpgcerts.com" has_string "$com" OriginalFilename "dpgcerts.com"
check "$com: FileDescription is DPG Certificates (command line)" has_string "$com" FileDescription "DPG Certificates (command line)"

if [ "$failures" -gt 0 ]; then
  echo "packaging check: $failures failed" >&2
  exit 1
fi
echo "packaging check: all passed"
