#!/usr/bin/env bash
# Render the application icon (packaging/icons/huey.svg) to the PNG sizes desktops ask for,
# into packaging/icons/hicolor/<N>x<N>/apps/ (the freedesktop icon theme layout the Debian
# package installs as is). Needs rsvg-convert (Debian: librsvg2-bin). The window icon is the
# 256 px one (src/app/icon.rs embeds it).
set -euo pipefail
cd "$(dirname "$0")/.."
id=org.hueyrs.Huey
for n in 16 24 32 48 64 128 256 512; do
  dir="packaging/icons/hicolor/${n}x${n}/apps"
  mkdir -p "$dir"
  rsvg-convert -w "$n" -h "$n" packaging/icons/huey.svg -o "$dir/$id.png"
done
mkdir -p packaging/icons/hicolor/scalable/apps
cp packaging/icons/huey.svg "packaging/icons/hicolor/scalable/apps/$id.svg"
