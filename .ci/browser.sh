#!/usr/bin/env bash
# Makes sure a headless browser is here for the console's browser test
# (e2e/console_test.go): Debian's chromium where none is found. Where it
# cannot be installed (no apt-get, not root), it says so and leaves the
# decision to .ci/run, which then lets the test skip.
set -euo pipefail

found() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; }

if found; then
	exit 0
fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
	echo "browser: no chromium and no way to install one here (apt-get as root)"
	exit 0
fi
echo "browser: installing chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null || echo "browser: apt-get install chromium failed"
