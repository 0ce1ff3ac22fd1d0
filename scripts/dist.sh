#!/usr/bin/env bash
# Builds a release of dpgcerts with its version.
#
#   scripts/dist.sh windows   build/bin/dpgcerts.exe, its console companion
#                             build/bin/dpgcerts.com and
#                             build/bin/dpgcerts-amd64-installer.exe, signed
#                             (cross-built with mingw on Linux, or built on
#                             Windows in an MSYS2 shell)
#   scripts/dist.sh darwin    build/bin/DPG Certificates.app, universal
#                             (on a Mac; sign it with scripts/sign-darwin.sh)
#
# VERSION (default: git describe --tags --always, else dev) goes into
# main.version and into wails.json's info.productVersion, so the Windows
# version resource, the installer and Info.plist carry the same version as
# `dpgcerts --version`.
#
# The build runs in a snapshot of the working tree (build/bin/.stage-*)
# with a wails.json that holds the version, so the committed wails.json is
# never changed, and the Windows resource file that wails writes next to
# main.go never lands in the working tree (where it would break Linux
# builds running at the same time, or after an interrupted build).
#
# Windows signing: SIGN_PFX and SIGN_PASSWORD name the certificate; without
# them a throwaway self-signed one is made, so the signing path always runs.
# See scripts/sign-windows.sh.
set -euo pipefail

platform=${1:?usage: scripts/dist.sh windows|darwin}
if [ -n "${SIGN_PFX:-}" ] && [ "${SIGN_PFX#/}" = "$SIGN_PFX" ]; then
  SIGN_PFX=$PWD/$SIGN_PFX
fi
cd "$(dirname "$0")/.."
root=$PWD
. scripts/dist-version.sh

version=$(dist_version)
numbers=$(dist_numeric "$version")
stage=$root/build/bin/.stage-$platform

case "$platform" in
  windows)
    # The string shown in the file's properties and in Settings > Apps.
    product_version=$version
    ;;
  darwin)
    # CFBundleVersion and CFBundleShortVersionString take three numbers.
    product_version=${numbers%.*}
    # The bundle is named after wails.json's name: "DPG Certificates.app".
    bundle_name="DPG Certificates"
    ;;
  *) echo "dist: unknown platform $platform (windows or darwin)" >&2; exit 2 ;;
esac

echo "dist: $platform $version ($numbers)"
started=$SECONDS

# The snapshot: tracked files and new files that are not ignored, as they are
# on disk now. The frontend's node_modules are hard links (a copy where the
# file system has none), so npm is not run again and nothing here writes into
# the working tree.
rm -rf "$stage"
mkdir -p "$stage"
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do
      # Skip files deleted from the working tree but not yet from the index.
      if [ -e "$f" ]; then printf '%s\0' "$f"; fi
    done |
    tar --null -T - -cf - |
    tar -xf - -C "$stage"
else
  # A source archive, not a checkout: everything but what .gitignore keeps
  # out of the repository.
  echo "dist: not a git checkout: copying the source tree"
  tar --exclude=./.git --exclude=./build/bin --exclude=./frontend/node_modules \
    --exclude='./frontend/dist/*' --exclude=./frontend/wailsjs \
    --exclude=./e2e/node_modules --exclude=./artifacts \
    --exclude=./build/windows/installer/wails_tools.nsh \
    --exclude=./build/windows/installer/tmp -cf - . |
    tar -xf - -C "$stage"
  # The placeholder that keeps go:embed working before the frontend is built.
  mkdir -p "$stage/frontend/dist" && touch "$stage/frontend/dist/.gitkeep"
fi
[ -d frontend/node_modules ] || { echo "dist: frontend/node_modules is missing: run make deps" >&2; exit 1; }
cp -al frontend/node_modules "$stage/frontend/" 2>/dev/null ||
  cp -a frontend/node_modules "$stage/frontend/"

# wails.json with this build's version, and without the install step.
PRODUCT_VERSION=$product_version BUNDLE_NAME=${bundle_name:-} node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync("wails.json", "utf8"));
  p.info.productVersion = process.env.PRODUCT_VERSION;
  if (process.env.BUNDLE_NAME) p.name = process.env.BUNDLE_NAME;
  p["frontend:install"] = "";
  fs.writeFileSync(process.argv[1], JSON.stringify(p, null, 2) + "\n");
' "$stage/wails.json"

ldflags="-X main.version=$version"
wails_flags=(-m -nosyncgomod -trimpath -nocolour -ldflags "$ldflags" -v "${DIST_VERBOSITY:-1}")

case "$platform" in
  windows)
    # Numbers where Windows only takes numbers: the fixed file version and
    # the manifest's assembly version. The strings keep the full version.
    sed -i -E \
      -e "s/(\"(file|product)_version\": )\"[^\"]*\"/\1\"$numbers\"/" \
      "$stage/build/windows/info.json"
    sed -i -E \
      -e "s/(<assemblyIdentity type=\"win32\" name=\"[^\"]*\" version=)\"[^\"]*\"/\1\"$numbers\"/" \
      "$stage/build/windows/wails.exe.manifest"

    # The signing certificate. Its password goes to the signing script in a
    # private file, and is taken out of the environment, which wails prints
    # at -v 2.
    signing=$root/build/bin/.signing
    rm -rf "$signing"
    mkdir -p "$signing"
    if [ -z "${SIGN_PFX:-}" ]; then
      echo "dist: SIGN_PFX is not set: signing with a throwaway self-signed certificate"
      eval "$(bash scripts/sign-windows.sh --throwaway "$signing")"
      export SIGN_PFX SIGN_PASSWORD_FILE SIGN_CAFILE
    else
      [ -n "${SIGN_PASSWORD+set}" ] || { echo "dist: SIGN_PFX is set, SIGN_PASSWORD is not" >&2; exit 1; }
      (umask 077 && printf '%s' "$SIGN_PASSWORD" >"$signing/sign.pass")
      export SIGN_PFX SIGN_PASSWORD_FILE=$signing/sign.pass
      trap 'rm -f "$signing/sign.pass"' EXIT
    fi
    unset SIGN_PASSWORD

    # Read by project.nsi: version numbers and the signing command, which
    # makensis runs on the program before packing it, then on the
    # uninstaller and on the installer.
    bash_path=$(command -v bash)
    sign_script=$root/scripts/sign-windows.sh
    console_binary=$stage/build/bin/dpgcerts.com
    if command -v cygpath >/dev/null; then
      bash_path=$(cygpath -w "$bash_path")
      sign_script=$(cygpath -m "$sign_script")
      console_binary=$(cygpath -m "$console_binary")
    fi
    # bash's path goes unquoted: cmd.exe (makensis on Windows) would strip
    # the quotes of a command line that starts with one. It has no spaces.
    cat >"$stage/build/windows/installer/dist.nsh" <<EOF
!define DIST_VERSION_NUMBERS "$numbers"
!define DIST_SIGN '$bash_path "$sign_script"'
!define DIST_CONSOLE_BINARY "$console_binary"
EOF

    windres=windres # MSYS2's mingw on Windows
    if [ "$(go env GOHOSTOS)" != windows ]; then
      export CC=${CC:-x86_64-w64-mingw32-gcc} CXX=${CXX:-x86_64-w64-mingw32-g++}
      windres=x86_64-w64-mingw32-windres
    fi

    # dpgcerts.com, the console companion (cmd/dpgcerts-console): the
    # command line without the window, for scripts that need its exit
    # status. Built and signed first, as project.nsi packs it. Stripped
    # (-s -w) as wails strips dpgcerts.exe.
    # Its version resource and icon, as wails gives dpgcerts.exe, from a
    # resource script compiled by mingw's windres into a .syso that go build
    # links in (the snapshot only, never the working tree).
    com_numbers=${numbers//./,}
    node -e '
      const p = JSON.parse(require("fs").readFileSync("wails.json", "utf8")).info;
      const q = (s) => JSON.stringify(s);
      const [version, numbers] = process.argv.slice(1);
      console.log(`1 ICON "../../build/windows/icon.ico"
1 VERSIONINFO
FILEVERSION ${numbers}
PRODUCTVERSION ${numbers}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "000004b0"
    BEGIN
      VALUE "CompanyName", ${q(p.companyName)}
      VALUE "FileDescription", ${q(p.productName + " (command line)")}
      VALUE "FileVersion", ${q(version)}
      VALUE "InternalName", "dpgcerts"
      VALUE "LegalCopyright", ${q(p.copyright)}
      VALUE "OriginalFilename", "dpgcerts.com"
      VALUE "ProductName", ${q(p.productName)}
      VALUE "ProductVersion", ${q(version)}
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0, 1200
  END
END`);
    ' "$version" "$com_numbers" >"$stage/cmd/dpgcerts-console/console.rc"
    (cd "$stage/cmd/dpgcerts-console" && ${WINDRES:-$windres} -c 65001 \
      -O coff -o rsrc_windows_amd64.syso console.rc)
    (cd "$stage" && GOOS=windows GOARCH=amd64 CGO_ENABLED=1 \
      go build -trimpath -ldflags "-s -w $ldflags" -o build/bin/dpgcerts.com ./cmd/dpgcerts-console)
    bash scripts/sign-windows.sh "$stage/build/bin/dpgcerts.com"
    # cgo on: without it the .exe builds, but SQLite fails when it runs.
    (cd "$stage" && CGO_ENABLED=1 wails build -platform windows/amd64 -nsis \
      -installscope user -o dpgcerts.exe "${wails_flags[@]}")

    mkdir -p build/bin
    for f in dpgcerts.exe dpgcerts.com dpgcerts-amd64-installer.exe; do
      cp -f "$stage/build/bin/$f" "build/bin/$f"
    done
    bash scripts/sign-windows.sh --verify build/bin/dpgcerts.exe build/bin/dpgcerts.com build/bin/dpgcerts-amd64-installer.exe
    # The version the packaging check expects, and the certificate to check
    # the signature against (empty: the system's roots).
    printf 'VERSION=%q\nSIGN_CAFILE=%q\n' "$version" "${SIGN_CAFILE:-}" >build/bin/dist-windows.env
    ;;
  darwin)
    (cd "$stage" && wails build -platform darwin/universal "${wails_flags[@]}")
    mkdir -p build/bin
    rm -rf "build/bin/$bundle_name.app"
    cp -R "$stage/build/bin/$bundle_name.app" build/bin/
    echo "dist: build/bin/$bundle_name.app"
    ;;
esac

rm -rf "$stage"
echo "dist: done in $((SECONDS - started))s"
