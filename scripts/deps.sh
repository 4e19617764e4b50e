#!/bin/sh
# Installs the Debian packages gazette needs to build, run and test, and only
# those that are missing, so `make run`, `make test`, `make asan` and CI
# call it every time.
#   scripts/deps.sh          build + run packages
#   scripts/deps.sh test     also what the suites drive: feedparser
#                            (test_build, test_comments), PostgreSQL's server
#                            and psql/pg_dump (tests/pg.sh), wrk
#                            (test_restart), Chromium and node (tests/browser,
#                            tests/browser-admin), java and npm (the HTML
#                            checker of test_validate), clang (make fuzz);
#                            the npm modules themselves install on first use
#                            (npm ci, pinned by each package-lock.json)
#   scripts/deps.sh bench    also the benchmarks' peers
set -eu

pkgs="build-essential pkgconf libmicrohttpd-dev libsqlite3-dev libmd4c-dev
libsodium-dev zlib1g-dev libjansson-dev libxml2-dev libpq-dev libseccomp-dev"
if [ "${1:-}" = test ] || [ "${1:-}" = bench ]; then
	pkgs="$pkgs python3 python3-feedparser postgresql clang clang-format curl chromium nodejs wrk"
	# The Nu Html Checker (tests/validate) is an npm package run by java;
	# either may come from elsewhere than these packages, so ask for the
	# commands.
	command -v java >/dev/null 2>&1 || pkgs="$pkgs default-jre-headless"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs nginx-light hugo"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "gazette: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || $SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
