#!/usr/bin/env bash
# Makes build/windows/icon.ico from build/appicon.png (our own artwork) with
# ImageMagick: the sizes Windows uses in Explorer, the Start menu, the task
# bar and the installer. Run it after changing the PNG, and commit both.
# (The macOS .icns is made from the same PNG by wails build.)
set -euo pipefail
cd "$(dirname "$0")/.."
convert build/appicon.png -background none \
  -define icon:auto-resize=256,128,64,48,32,24,16 \
  build/windows/icon.ico
identify build/windows/icon.ico
