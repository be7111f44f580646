#!/usr/bin/env bash
# Makes sure Debian's redis-server is there for the Redis store's tests (test/helpers/redis.ts starts
# its own, on a unix socket, without persistence). Quiet and quick when it is.
set -uo pipefail

if command -v redis-server >/dev/null; then exit 0; fi

echo "sessionjar: redis-server not found; installing it" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # The package's own service is not wanted: the tests start their own server.
  { apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }; } \
    && command -v redis-server >/dev/null && { echo "sessionjar: installed Debian's redis-server" >&2; exit 0; }
fi
cat >&2 <<'MSG'
sessionjar: could not install redis-server, which the Redis store's tests need. Install it with:
  sudo apt-get install -y redis-server      (Debian/Ubuntu)
  brew install redis                        (macOS)
MSG
exit 1
