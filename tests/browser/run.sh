#!/bin/sh
# tests/browser/run.sh: the browser suite. Installs playwright-core from
# the lock file when it is missing (Chromium itself is Debian's, from
# scripts/deps.sh test), then runs every scenario; prints
# "browser: N cases, N checks: N passed, N failed".
set -u
cd "$(dirname "$0")"
fail() {
	echo "browser: $1"
	echo "browser: 1 cases, 0 checks: 0 passed, 1 failed"
	exit 1
}
[ -x /usr/bin/chromium ] || sh ../../scripts/deps.sh test >/dev/null 2>&1
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (apt-get install chromium)"
command -v node >/dev/null 2>&1 || fail "node is missing (apt-get install nodejs npm)"
if [ ! -f node_modules/playwright-core/package.json ]; then
	npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
	    npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
	    fail "cannot install playwright-core from npm"
fi
exec node run.js
