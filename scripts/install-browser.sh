#!/usr/bin/env bash
# Makes sure a Chromium is there for recording and the e2e tests. Quiet and quick when one is.
# Order: Playwright's own download (where the network allows), else Debian's chromium as root.
set -uo pipefail
cd "$(dirname "$0")/.."

have_browser() {
  node --input-type=module -e "
    import { chromium } from 'playwright-core';
    import { findBrowser } from './dist/record/browser.js';
    findBrowser({ playwrightPath: chromium.executablePath() });
  " 2>/dev/null && return 0
  # dist/ may not be built yet: look for the usual system browsers directly.
  for b in "${SESSIONJAR_BROWSER:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    [ -n "$b" ] && [ -x "$b" ] && return 0
  done
  return 1
}

if have_browser; then exit 0; fi

echo "sessionjar: no Chromium found; installing one" >&2
if timeout 120 npx --no-install playwright install chromium >/dev/null 2>&1 && have_browser; then
  echo "sessionjar: installed Playwright's Chromium" >&2; exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && have_browser && {
    echo "sessionjar: installed Debian's chromium (/usr/bin/chromium)" >&2; exit 0; }
fi
cat >&2 <<'MSG'
sessionjar: could not install a browser. Install one of:
  npx playwright install chromium
  sudo apt-get install -y chromium      (Debian/Ubuntu)
or set SESSIONJAR_BROWSER to the path of a Chrome/Chromium executable.
MSG
exit 1
