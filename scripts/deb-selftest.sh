#!/usr/bin/env bash
# Install a built Debian package, check what it installed, and remove it (issue 16; run by
# CI as root or through sudo): `huey --version` prints the crate's version, `man huey` and a
# subcommand's page render, the desktop entry, metainfo, MIME type, icons and completions are
# in place, and after `dpkg -r` none of the package's files is left.
#
# Usage: scripts/deb-selftest.sh target/debian/huey_<version>_<arch>.deb
set -euo pipefail
deb="$1"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if dpkg -s huey >/dev/null 2>&1; then
  echo "huey is already installed here; not touching it" >&2
  exit 1
fi
files="$(mktemp)"
# Whatever fails after the install, the package is removed again (a failed run must not leave
# huey installed for the next one to stop at).
trap 'rm -f "$files"; dpkg -s huey >/dev/null 2>&1 && $sudo_cmd dpkg -r huey >/dev/null 2>&1 || true' EXIT
$sudo_cmd dpkg -i "$deb"
dpkg -L huey > "$files"
version="$(dpkg-deb -f "$deb" Version)"
got="$(/usr/bin/huey --version)"
[ "$got" = "huey ${version%%-*}" ] || { echo "huey --version says '$got', the package is $version" >&2; exit 1; }
MANPAGER=cat MANWIDTH=80 man huey | grep -q "Hebbian concept-network explorer" \
  || { echo "man huey did not render" >&2; exit 1; }
MANPAGER=cat man huey-ensemble | grep -q "replicates" || { echo "man huey-ensemble did not render" >&2; exit 1; }
for f in /usr/share/applications/org.hueyrs.Huey.desktop \
         /usr/share/metainfo/org.hueyrs.Huey.metainfo.xml \
         /usr/share/mime/packages/org.hueyrs.Huey.xml \
         /usr/share/icons/hicolor/256x256/apps/org.hueyrs.Huey.png \
         /usr/share/icons/hicolor/scalable/apps/org.hueyrs.Huey.svg \
         /usr/share/bash-completion/completions/huey \
         /usr/share/zsh/vendor-completions/_huey \
         /usr/share/fish/vendor_completions.d/huey.fish \
         /usr/share/doc/huey/copyright; do
  [ -f "$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
# shared-mime-info's trigger registered the session type (where it is installed).
if command -v update-mime-database >/dev/null 2>&1; then
  grep -q 'application/x-huey-session:\*\.huey\.ron' /usr/share/mime/globs2 \
    || { echo "the session MIME type is not registered" >&2; exit 1; }
fi
# The installed binary works beyond --version: the bundled sample, analysed; and where a
# virtual display exists, the installed app opens its window on the package's libraries, runs
# the sample and saves a screenshot of it.
/usr/bin/huey --print >/dev/null
if command -v xvfb-run >/dev/null 2>&1; then
  # wgpu's Vulkan loader wants a runtime directory; a CI shell may have none.
  if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
    XDG_RUNTIME_DIR="$(mktemp -d)"
    export XDG_RUNTIME_DIR
  fi
  shot="$(mktemp -d)/window.png"
  HUEY_CONFIG_DIR="$(mktemp -d)" timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
    /usr/bin/huey --run --exit-after 0.5 --screenshot "$shot"
  [ -s "$shot" ] || { echo "the installed app wrote no screenshot" >&2; exit 1; }
  echo "the installed app opened its window: $(wc -c < "$shot") bytes of screenshot"
fi
$sudo_cmd dpkg -r huey
if dpkg -s huey 2>/dev/null | grep -q '^Status: install'; then
  echo "huey is still installed after dpkg -r" >&2
  exit 1
fi
left=0
while read -r f; do
  # Shared folders (/usr/share/applications, …) stay; the package's own files must not.
  if [ -f "$f" ] || [ -L "$f" ]; then
    echo "left behind: $f" >&2
    left=1
  fi
done < "$files"
[ "$left" = 0 ]
echo "deb selftest: installed, ran, rendered its man pages, removed cleanly ($(wc -l < "$files") paths)"
