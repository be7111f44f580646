#!/usr/bin/env bash
# Makes sure a Chromium is there for recording and the e2e tests. Quiet and quick when one is.
# Order: Playwright's own download (where the network allows), else Debian's chromium as root.
set -uo pipefail
cd "$(dirname "$0")/.."

have_browser() {
  # Playwright's own Chromium (needs no build of sessionjar: dist/ may not exist yet).
  node --input-type=module -e "
    import { chromium } from 'playwright-core';
    import { existsSync } from 'node:fs';
    process.exit(existsSync(chromium.executablePath()) ? 0 : 1);
  " 2>/dev/null && return 0
  # The system browsers src/record/browser.ts looks for, and an explicit SESSIONJAR_BROWSER.
  for b in "${SESSIONJAR_BROWSER:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable /snap/bin/chromium \
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
    [ -n "$b" ] && [ -x "$b" ] && return 0
  done
  return 1
}

# Headed recordings without a screen (the interactive e2e tests, `xvfb-run -a sessionjar record`)
# need a virtual display: best effort, as root with apt only.
if ! command -v xvfb-run >/dev/null && [ -z "${DISPLAY:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb >/dev/null 2>&1; } \
    || echo "sessionjar: could not install xvfb; headed tests need a display" >&2
fi

if have_browser; then exit 0; fi

echo "sessionjar: no Chromium found; installing one" >&2
limit() { if command -v timeout >/dev/null; then timeout 120 "$@"; else "$@"; fi; }
if limit npx --no-install playwright install chromium >/dev/null 2>&1 && have_browser; then
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
