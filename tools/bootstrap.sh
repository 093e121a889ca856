#!/bin/sh
# Installs what nsbox's build, tests and demo need on a fresh Debian machine, and nothing twice.
# Run as root. Quiet when everything is already there.
set -eu
cd "$(dirname "$0")/.."

# The build and the demo need the first line; the whole test suite (npm test) and the bench the
# references it compares against, so `npm test` on a fresh machine runs every test, skipping none.
apt_packages="busybox-static libseccomp2 make gcc libc6-dev util-linux"
apt_packages="$apt_packages systemd-container bubblewrap debootstrap hyperfine runc tmux"
missing=""
for p in $apt_packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "bootstrap: installing apt packages:$missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
fi
if [ ! -d node_modules/typescript ] || [ ! -d node_modules/koffi ] || [ ! -d node_modules/esbuild ] || [ ! -d node_modules/better-sqlite3 ]; then
  echo "bootstrap: installing npm packages" >&2
  npm install --no-audit --no-fund >&2
fi
