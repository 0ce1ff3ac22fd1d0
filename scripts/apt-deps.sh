#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build and the tests need, and only
# when one is missing: on a machine that has them all, it does nothing.
set -euo pipefail

packages=(build-essential pkg-config libgtk-3-dev openssl xvfb xauth imagemagick dbus-daemon gnome-keyring time chromium)
# make dist: the Windows cross build, the installer, signing, the packaging check.
packages+=(gcc-mingw-w64-x86-64 nsis osslsigncode file p7zip-full)
# make test-windows: the release under Wine, and xdotool to answer its
# message boxes under Xvfb. make test-remind: a real notification server and
# the bus recorder, the systemd timer's check, and Wine's schtasks.
packages+=(wine64 xdotool dunst libnotify-bin dbus-bin systemd)
# make test-cli: check's metrics read by a real node_exporter and promtool
# (in prometheus); the e2e test's SMTP server (aiosmtpd).
packages+=(prometheus-node-exporter prometheus python3-aiosmtpd)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
# WebKitGTK 4.0 on Debian 12; newer distributions only have 4.1 (the Makefile
# then builds with -tags webkit2_41).
webkit=
if ! installed libwebkit2gtk-4.0-dev && ! installed libwebkit2gtk-4.1-dev; then
  webkit=yes
fi

if [ ${#missing[@]} -eq 0 ] && [ -z "$webkit" ]; then
  exit 0
fi

sudo=
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
fi

$sudo apt-get update
if [ -n "$webkit" ]; then
  if apt-cache show libwebkit2gtk-4.0-dev >/dev/null 2>&1; then
    missing+=(libwebkit2gtk-4.0-dev)
  else
    missing+=(libwebkit2gtk-4.1-dev)
  fi
fi
echo "installing: ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
