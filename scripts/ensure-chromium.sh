#!/usr/bin/env bash
# The browser suite drives Debian's Chromium (/usr/bin/chromium), never a browser downloaded by a test tool.
# Installs it with apt when missing and allowed (root); otherwise says how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests (apt-get install chromium)…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium', then 'pnpm test' again." >&2
exit 1
