# Sourced by scripts/test.sh --postgres (and so by .ci/run): a throwaway PostgreSQL server on
# loopback for the storage tests, exported as ZKVOTE_TEST_PG_URL and stopped on exit.
#   zkv_pg_start     install Debian's postgresql if missing (root, non-interactive), initdb a
#                    cluster in a temporary directory as the postgres user, start it on a free
#                    127.0.0.1 port, create the database zkvote_test
#   zkv_pg_stop      stop that server and delete its directory

zkv_pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

zkv_pg_as_postgres() {
    if command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
}

zkv_pg_start() {
    if [[ -n "${ZKVOTE_TEST_PG_URL:-}" ]]; then
        echo "PostgreSQL tests use ZKVOTE_TEST_PG_URL as given"
        return 0
    fi
    if [[ -z "$(zkv_pg_bindir)" ]]; then
        if [[ "$(id -u)" != 0 ]]; then
            echo "postgresql is not installed and we are not root: cannot run its tests" >&2
            return 1
        fi
        echo "installing Debian's postgresql (once per machine)..."
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            postgresql >/dev/null
    fi
    local bindir port
    bindir="$(zkv_pg_bindir)"
    ZKV_PG_DIR="$(mktemp -d /tmp/zkvote-pg.XXXXXX)"
    chown postgres:postgres "$ZKV_PG_DIR"
    chmod 700 "$ZKV_PG_DIR"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    zkv_pg_as_postgres "$bindir/initdb" -D "$ZKV_PG_DIR/data" -A trust -U postgres \
        -E UTF8 --locale=C.UTF-8 >/dev/null
    zkv_pg_as_postgres "$bindir/pg_ctl" -D "$ZKV_PG_DIR/data" -l "$ZKV_PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$ZKV_PG_DIR" \
        start >/dev/null
    zkv_pg_as_postgres "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres zkvote_test
    export ZKVOTE_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/zkvote_test"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

zkv_pg_stop() {
    if [[ -n "${ZKV_PG_DIR:-}" && -d "$ZKV_PG_DIR" ]]; then
        zkv_pg_as_postgres "$(zkv_pg_bindir)/pg_ctl" -D "$ZKV_PG_DIR/data" -m fast -w stop \
            >/dev/null 2>&1 || true
        rm -rf "$ZKV_PG_DIR"
    fi
}
