#!/bin/sh
# tests/pg.sh: a throwaway PostgreSQL for the test suites, sourced by
# tests/run.sh (pg_start, pg_stop, pg_newdb) or run by hand:
#   sh tests/pg.sh CMD ARGS...   starts a server, runs CMD with
#                                GAZETTE_TEST_PG set, stops the server
#
# The cluster lives in a fresh temporary directory owned by the unprivileged
# `postgres` user (initdb refuses root; the tests run as root in CI), listens
# on 127.0.0.1 only, on a free port, with its socket in that directory, and
# trusts every local connection: it holds nothing but test data and is
# removed by pg_stop. fsync, synchronous_commit and full_page_writes are off
# for speed: a crash of this server loses test data only, which is fine;
# production settings are the server's own business.
#
# PG_EXTRA_OPTS, when set, is appended to the server's options (later -c
# settings win): bench/pg-nodes.sh turns fsync back on with it.
#
# pg_start sets GAZETTE_TEST_PG=postgresql://postgres@127.0.0.1:PORT/postgres
# (the maintenance database, for CREATE DATABASE) and returns non-zero with
# the server's log on stderr when PostgreSQL cannot start: the caller must
# count that as a failure, never skip.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_DIR=
PG_PORT=

# Runs a PostgreSQL server binary as the cluster's owner.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		echo "pg: no PostgreSQL server binaries (Debian package postgresql)" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/gazette-pg-XXXXXX) || return 1
	if [ "$(id -u)" -eq 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			echo "pg: no 'postgres' user to run the server as" >&2
			return 1
		fi
		chown postgres: "$PG_DIR"
	fi
	if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
	    -A trust -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
		echo "pg: initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	# A port picked free can be taken before the server binds it: retry.
	for _try in 1 2 3; do
		PG_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
		    -l "$PG_DIR/server.log" -o "-c listen_addresses=127.0.0.1 \
		    -c port=$PG_PORT -c unix_socket_directories=$PG_DIR \
		    -c fsync=off -c synchronous_commit=off \
		    -c full_page_writes=off -c max_connections=200 \
		    ${PG_EXTRA_OPTS:-}" \
		    start >"$PG_DIR/pg_ctl.log" 2>&1; then
			GAZETTE_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
			export GAZETTE_TEST_PG
			return 0
		fi
	done
	echo "pg: the server did not start:" >&2
	cat "$PG_DIR/pg_ctl.log" "$PG_DIR/server.log" >&2 2>/dev/null
	return 1
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate \
		    -w stop >/dev/null 2>&1
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_newdb NAME: creates an empty database and prints its URL.
pg_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$GAZETTE_TEST_PG" \
	    -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"
}

if [ "$(basename "$0")" = pg.sh ] && [ $# -gt 0 ]; then
	trap pg_stop EXIT INT TERM
	pg_start || exit 1
	"$@"
	exit $?
fi
