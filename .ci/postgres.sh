# Starts a throw-away PostgreSQL cluster on loopback for the tests and exports its connection to them.
# Sourced by .ci/run; also usable by hand:  source .ci/postgres.sh && ./mvnw verify
# Exports HOMOCLOUD_TEST_PG_URL, HOMOCLOUD_TEST_PG_USER, HOMOCLOUD_TEST_PG_PASSWORD and
# defines stop_test_postgres (the caller decides when to call it).

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  echo "postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
  return 1
fi

as_postgres() {
  # initdb refuses to run as root; Debian's package creates the postgres user.
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

test_pg_dir=$(mktemp -d /tmp/homocloud-pg.XXXXXX)
chmod 755 "$test_pg_dir"
[[ $(id -u) -eq 0 ]] && chown postgres: "$test_pg_dir"

test_pg_port=${HOMOCLOUD_TEST_PG_PORT:-55432}
while ! port_free "$test_pg_port"; do test_pg_port=$((test_pg_port + 1)); done

as_postgres "$pg_bin/initdb" -D "$test_pg_dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --no-sync >"$test_pg_dir/initdb.log"
# fsync off: the cluster lives for one test run; durability would only slow the suite down.
as_postgres "$pg_bin/pg_ctl" -D "$test_pg_dir/data" -l "$test_pg_dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $test_pg_port -k $test_pg_dir -c fsync=off -c synchronous_commit=off" \
  start >/dev/null

stop_test_postgres() {
  as_postgres "$pg_bin/pg_ctl" -D "$test_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$test_pg_dir"
}

as_postgres "$pg_bin/psql" -q -h "$test_pg_dir" -p "$test_pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "create role homocloud login password 'homocloud'" \
  -c "create database homocloud owner homocloud"

export HOMOCLOUD_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$test_pg_port/homocloud"
export HOMOCLOUD_TEST_PG_USER=homocloud
export HOMOCLOUD_TEST_PG_PASSWORD=homocloud
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$test_pg_port (data in $test_pg_dir)"
