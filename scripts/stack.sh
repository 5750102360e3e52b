#!/usr/bin/env bash
# The local test stack without Docker: PostgreSQL, Redis, a six-node Redis Cluster, two Dovecot profiles and
# Postfix on loopback, state in <repo>/.stack. Installs the Debian packages when missing. Usage: stack.sh start|stop|status|env
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMPLATES="$REPO/scripts/stack"
OWN_STACK="$REPO/.stack"
# .stack may be a symlink to state kept outside the checkout (see place_state); work with the real path.
if [[ -L "$OWN_STACK" ]]; then OWN_STACK="$(readlink -f "$OWN_STACK")"; fi
# STACK is where the running servers keep their state. Normally OWN_STACK; when another checkout's stack
# already serves our ports (a CI clone on a dev machine), .stack/reuse names that stack and we use it.
STACK="${STACK_DIR:-$OWN_STACK}"
if [[ -z "${STACK_DIR:-}" && -f "$OWN_STACK/reuse" ]]; then STACK="$(cat "$OWN_STACK/reuse")"; fi

PG_BIN=/usr/lib/postgresql/15/bin
# STACK_PORT_OFFSET shifts every port, so a second stack (another checkout, a test of this script) can run
# beside the usual one.
OFF="${STACK_PORT_OFFSET:-0}"
[[ "$OFF" =~ ^[0-9]+$ ]] || { echo "stack: error: STACK_PORT_OFFSET must be a number" >&2; exit 1; }
PG_PORT=$((54329 + OFF))
REDIS_PORT=$((56379 + OFF))
REDIS_TLS_PORT=$((56380 + OFF))
declare -A IMAP_PORT=([standard]=$((51143 + OFF)) [gmail]=$((52143 + OFF)))
declare -A IMAPS_PORT=([standard]=$((51993 + OFF)) [gmail]=$((52993 + OFF)))
declare -A LMTP_PORT=([standard]=$((51024 + OFF)) [gmail]=$((52024 + OFF)))
declare -A DOMAIN=([standard]=mail.test [gmail]=gmail.test)
PROFILES=(standard gmail)
SUBMISSION_PORT=$((51587 + OFF))
MX_PORT=$((51025 + OFF))
# The logging addresses' domain: Postfix relays it to apps/inbound on this port (the demo runs one there).
INBOUND_DOMAIN=inbound.test
INBOUND_SMTP_PORT=$((51525 + OFF))
# docker-compose's mail container relays it to the inbound service's container instead.
INBOUND_RELAY_HOST="${STACK_INBOUND_HOST:-127.0.0.1}"
OAUTH_HTTP_PORT=$((51080 + OFF))
OAUTH_HTTPS_PORT=$((51443 + OFF))
# Redis Cluster: three primaries and three replicas. Each node also listens on its cluster bus at port +
# 10000, which must stay below the ephemeral range (32768-60999 here): a bus port in it collides with client
# sockets under load ("bind: Address already in use"). Hence low ports, and an offset of at most 5761.
# Each node also takes TLS clients on port + 10 (17011-17016).
CLUSTER_PORTS=()
for i in 1 2 3 4 5 6; do CLUSTER_PORTS+=($((17000 + i + OFF))); done
CLUSTER_BUS_OFFSET=10000
CLUSTER_TLS_OFFSET=10
CLUSTER_MAX_PORT=22767
START_TIMEOUT=30
# Only docker-compose's mail container changes these: it listens on all interfaces and runs a subset.
LISTEN="${STACK_LISTEN:-127.0.0.1}"
SERVICES="${STACK_SERVICES:-postgres redis cluster dovecot postfix oauth}"
wants() { [[ " $SERVICES " == *" $1 "* ]]; }

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

# Wait until a TCP port accepts connections; on timeout print where the logs are.
wait_port() {
  local port=$1 what=$2 logfile=$3 i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    port_open "$port" && return 0
    sleep 0.1
  done
  log "$what did not accept connections on 127.0.0.1:$port within ${START_TIMEOUT}s; log: $logfile"
  [[ -f "$logfile" ]] && tail -n 20 "$logfile" >&2
  exit 1
}

# Who holds a port (best effort: ss may be missing or unable to see other namespaces).
port_holder() {
  local out=""
  if command -v ss >/dev/null; then out="$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -n1 || true)"; fi
  echo "${out:-an unknown process}"
}

# Refuse to start a server on a port that something else already holds.
require_free() {
  local port=$1 what=$2
  if port_open "$port"; then
    die "port $port (for $what) is already in use by $(port_holder "$port"), which is not this stack ($STACK). Stop it, or stop the other stack with its own scripts/stack.sh stop."
  fi
}

# ---------------------------------------------------------------------------------------------- install
install_packages() {
  local missing=()
  if wants postgres; then [[ -x $PG_BIN/postgres ]] || missing+=(postgresql-15 postgresql-client-15); fi
  if wants redis || wants cluster; then command -v redis-server >/dev/null || missing+=(redis-server); fi
  if wants dovecot; then
    [[ -x /usr/sbin/dovecot ]] || missing+=(dovecot-imapd)
    [[ -x /usr/lib/dovecot/lmtp ]] || missing+=(dovecot-lmtpd)
  fi
  command -v openssl >/dev/null || missing+=(openssl)
  if wants postfix; then [[ -x /usr/sbin/postfix ]] || missing+=(postfix); fi
  # The console's browser tests (apps/api/test/console.*.browser.test.ts) drive Debian's Chromium through playwright-core.
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  # Postfix's install dialog would wait for stdin; preseed "No configuration" (we run our own instance).
  echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# ---------------------------------------------------------------------------------------------- reuse
# Find another checkout's stack that serves our ports, from its running Dovecot/Postgres command lines.
find_foreign_stack() {
  local f cmd dir
  for f in /proc/[0-9]*/cmdline; do
    cmd="$(tr '\0' ' ' <"$f" 2>/dev/null || true)"
    case "$cmd" in
      *dovecot\ -c\ */dovecot/standard/dovecot.conf*)
        dir="${cmd#*dovecot -c }"; dir="${dir%%/dovecot/standard/dovecot.conf*}" ;;
      *postgres\ -D\ */postgres/data*)
        dir="${cmd#*postgres -D }"; dir="${dir%%/postgres/data*}" ;;
      *) continue ;;
    esac
    if [[ "$dir" != "$STACK" && -f "$dir/env" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

maybe_reuse_foreign_stack() {
  [[ "$STACK" == "$OWN_STACK" ]] || return 0
  pid_alive "$STACK/postgres/data/postmaster.pid" && return 0
  port_open "$PG_PORT" || port_open "${IMAP_PORT[standard]}" || return 0
  local other
  if other="$(find_foreign_stack)"; then
    log "ports are served by another reply-sync stack at $other; reusing it (stop it from its own checkout)"
    mkdir -p "$OWN_STACK"
    echo "$other" >"$OWN_STACK/reuse"
    STACK="$other"
  fi
}

# ---------------------------------------------------------------------------------------------- shared state
# The servers run as their own system users (postgres, redis, one uid per mail user), which must reach their
# state. A checkout under a 0700 folder (root's home, where root lands on Debian) is closed to them, so its
# state lives under /var/lib/reply-sync-stack/<hash of the checkout's path> and .stack is a symlink there.
# The user's folders keep their modes.
STATE_ROOT=/var/lib/reply-sync-stack
reachable_by_others() { runuser -u nobody -- test -x "$1" 2>/dev/null; }

place_state() {
  [[ -z "${STACK_DIR:-}" && ! -L "$REPO/.stack" ]] || return 0
  reachable_by_others "$REPO" && return 0
  local dir
  dir="$STATE_ROOT/$(printf '%s' "$REPO" | sha256sum | cut -c1-16)"
  mkdir -p "$dir"
  chmod 0755 "$STATE_ROOT" "$dir"
  if [[ -d "$REPO/.stack" ]]; then
    # Left by an earlier start that could not work here; nothing of it can be running.
    cp -a "$REPO/.stack/." "$dir/" && rm -rf "$REPO/.stack"
  fi
  ln -s "$dir" "$REPO/.stack"
  log "$REPO is not reachable by the servers' system users; their state lives in $dir (.stack links there)"
  OWN_STACK="$dir"
  STACK="$dir"
}

# A secret generated once per stack (Redis and PostgreSQL passwords), readable by root only.
# STACK_POSTGRES_PASSWORD / STACK_REDIS_PASSWORD set it instead (docker-compose passes the same values to
# its postgres and redis containers).
stack_secret() {
  local file="$STACK/$1" given=""
  case "$1" in
    postgres-password) given="${STACK_POSTGRES_PASSWORD:-}" ;;
    redis-password) given="${STACK_REDIS_PASSWORD:-}" ;;
  esac
  if [[ -n "$given" ]]; then (umask 077; printf '%s\n' "$given" >"$file"); fi
  [[ -f "$file" ]] || (umask 077; openssl rand -hex 24 >"$file")
  cat "$file"
}

ensure_base() {
  mkdir -p "$STACK"
  chmod 0755 "$STACK"
  # Dev key for credential encryption, generated once per stack.
  if [[ ! -f "$STACK/encryption-key" ]]; then
    (umask 077; echo "k1:$(openssl rand -base64 32)" >"$STACK/encryption-key")
  fi
  if [[ ! -f "$STACK/tls/cert.pem" ]]; then
    mkdir -p "$STACK/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$STACK/tls/key.pem" -out "$STACK/tls/cert.pem" 2>/dev/null
    chmod 0644 "$STACK/tls/cert.pem"
    chmod 0600 "$STACK/tls/key.pem"
  fi
  if [[ ! -f "$STACK/tls/dh.pem" ]]; then
    openssl dhparam -dsaparam -out "$STACK/tls/dh.pem" 2048 2>/dev/null
  fi
}

print_env() {
  local pg_pw redis_pw
  pg_pw="$(stack_secret postgres-password)"
  redis_pw="$(stack_secret redis-password)"
  cat <<EOF
export STACK_DIR='$STACK'
export DATABASE_URL='postgres://reply_sync:$pg_pw@127.0.0.1:$PG_PORT/reply_sync'
export REDIS_URL='redis://:$redis_pw@127.0.0.1:$REDIS_PORT'
export STACK_DATABASE_TLS_URL='postgres://reply_sync:$pg_pw@localhost:$PG_PORT/reply_sync?sslmode=verify-full&sslrootcert=$STACK/tls/cert.pem'
export STACK_REDIS_TLS_URL='rediss://:$redis_pw@localhost:$REDIS_TLS_PORT'
export STACK_REDIS_CLUSTER_URL='$(cluster_url redis "$redis_pw" 0)'
export STACK_REDIS_CLUSTER_TLS_URL='$(cluster_url rediss "$redis_pw" "$CLUSTER_TLS_OFFSET")'
export REPLY_SYNC_ENCRYPTION_KEYS='$(cat "$STACK/encryption-key")'
export REPLY_SYNC_QUEUE='reply-sync-inboxes'
export STACK_CA_CERT='$STACK/tls/cert.pem'
export STACK_IMAP_HOST='127.0.0.1'
export STACK_IMAP_PORT='${IMAP_PORT[standard]}'
export STACK_IMAPS_PORT='${IMAPS_PORT[standard]}'
export STACK_LMTP_PORT='${LMTP_PORT[standard]}'
export STACK_GMAIL_IMAP_PORT='${IMAP_PORT[gmail]}'
export STACK_GMAIL_IMAPS_PORT='${IMAPS_PORT[gmail]}'
export STACK_GMAIL_LMTP_PORT='${LMTP_PORT[gmail]}'
export STACK_SMTP_SUBMISSION_PORT='$SUBMISSION_PORT'
export STACK_SMTP_MX_PORT='$MX_PORT'
export STACK_INBOUND_DOMAIN='$INBOUND_DOMAIN'
export STACK_INBOUND_SMTP_PORT='$INBOUND_SMTP_PORT'
export STACK_OAUTH_HTTP_PORT='$OAUTH_HTTP_PORT'
export STACK_OAUTH_HTTPS_PORT='$OAUTH_HTTPS_PORT'
EOF
}

# ---------------------------------------------------------------------------------------------- postgres
pg_up() { pid_alive "$STACK/postgres/data/postmaster.pid" && port_open "$PG_PORT"; }

start_postgres() {
  local data="$STACK/postgres/data" logfile="$STACK/postgres/postgres.log" changed=1
  if ! pg_up; then require_free "$PG_PORT" PostgreSQL; fi
  mkdir -p "$STACK/postgres/run"
  chown postgres:postgres "$STACK/postgres" "$STACK/postgres/run"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "initdb $data"
    (cd / && runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=reject >"$STACK/postgres/initdb.log" 2>&1) ||
      { tail -n 20 "$STACK/postgres/initdb.log" >&2; die "initdb failed; log: $STACK/postgres/initdb.log"; }
  fi
  chmod 0700 "$data"
  # The server's own copy of the stack's certificate and key (it refuses a key others can read).
  install -o postgres -g postgres -m 0644 "$STACK/tls/cert.pem" "$data/server.crt"
  install -o postgres -g postgres -m 0600 "$STACK/tls/key.pem" "$data/server.key"
  grep -q "^include_if_exists = 'reply-sync.conf'" "$data/postgresql.conf" ||
    echo "include_if_exists = 'reply-sync.conf'" >>"$data/postgresql.conf"
  # Loopback only, TLS offered, passwords (SCRAM) over TCP; the socket (in the stack's own folder) is for
  # this script. Durability off: tests only.
  write_if_changed "$data/reply-sync.conf" <<EOF && changed=0
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$STACK/postgres/run'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
password_encryption = scram-sha-256
EOF
  write_if_changed "$data/pg_hba.conf" <<EOF && changed=0
local all all trust
host all all 127.0.0.1/32 scram-sha-256
EOF
  chown postgres:postgres "$data/reply-sync.conf" "$data/pg_hba.conf"
  if pg_up; then
    # An older stack's server: the new settings (TLS, passwords) take effect on reload.
    if ((changed == 0)); then
      log "config of PostgreSQL changed: reloading"
      (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null)
    fi
  else
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -w -t "$START_TIMEOUT" start </dev/null >/dev/null 2>&1) ||
      { tail -n 20 "$logfile" >&2; die "PostgreSQL did not start; log: $logfile"; }
    wait_port "$PG_PORT" PostgreSQL "$logfile"
  fi
  # Role and database; superuser + CREATEDB so tests can create their own databases.
  local psql=(psql -h "$STACK/postgres/run" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [[ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = 'reply_sync'")" != 1 ]]; then
    "${psql[@]}" -c "create role reply_sync login superuser createdb"
  fi
  "${psql[@]}" -c "alter role reply_sync password '$(stack_secret postgres-password)'" >/dev/null
  if [[ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'reply_sync'")" != 1 ]]; then
    "${psql[@]}" -c "create database reply_sync owner reply_sync"
  fi
}

stop_postgres() {
  pid_alive "$STACK/postgres/data/postmaster.pid" || return 0
  (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$STACK/postgres/data" -m fast -w stop >/dev/null)
}

# ---------------------------------------------------------------------------------------------- redis
redis_ping() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --no-auth-warning -a "$(stack_secret redis-password)" ping 2>/dev/null | grep -q PONG
}
redis_up() { pid_alive "$STACK/redis/redis.pid" && port_open "$REDIS_PORT"; }

start_redis() {
  if redis_up; then
    # An older stack's Redis, without the password or the TLS port, is restarted with them.
    if redis_ping && port_open "$REDIS_TLS_PORT"; then return 0; fi
    log "Redis runs without the stack's password or TLS port: restarting it"
    stop_redis
  fi
  require_free "$REDIS_PORT" Redis
  require_free "$REDIS_TLS_PORT" "Redis TLS"
  mkdir -p "$STACK/redis"
  chown redis:redis "$STACK/redis"
  install -o redis -g redis -m 0600 "$STACK/tls/key.pem" "$STACK/redis/tls-key.pem"
  # The password sits in a file Redis reads, so it never shows in the process list.
  (umask 077; printf 'requirepass %s\n' "$(stack_secret redis-password)" >"$STACK/redis/auth.conf")
  chown redis:redis "$STACK/redis/auth.conf"
  log "starting Redis on 127.0.0.1:$REDIS_PORT (TLS $REDIS_TLS_PORT)"
  (cd / && runuser -u redis -- redis-server "$STACK/redis/auth.conf" --bind 127.0.0.1 --port "$REDIS_PORT" \
    --tls-port "$REDIS_TLS_PORT" --tls-cert-file "$STACK/tls/cert.pem" --tls-key-file "$STACK/redis/tls-key.pem" \
    --tls-ca-cert-file "$STACK/tls/cert.pem" --tls-auth-clients no --dir "$STACK/redis" \
    --save "" --appendonly no --maxmemory-policy noeviction --daemonize yes \
    --pidfile "$STACK/redis/redis.pid" --logfile "$STACK/redis/redis.log" </dev/null >/dev/null 2>&1)
  wait_port "$REDIS_PORT" Redis "$STACK/redis/redis.log"
  wait_port "$REDIS_TLS_PORT" "Redis TLS" "$STACK/redis/redis.log"
}

stop_redis() {
  pid_alive "$STACK/redis/redis.pid" || return 0
  kill "$(cat "$STACK/redis/redis.pid")"
  wait_gone "$STACK/redis/redis.pid" Redis
}

wait_gone() {
  local pidfile=$1 what=$2 pid i
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$what (pid $pid) did not stop within 10s"
}

# ---------------------------------------------------------------------------------------------- redis cluster
# Six redis-server processes in cluster mode, each in $STACK/redis-cluster/<port>, made into one cluster of
# three primaries with a replica each by `redis-cli --cluster create`. No persistence, as the standalone
# Redis: only nodes.conf (the cluster's membership) survives a node's restart, so a node that restarts comes
# back empty and rejoins the cluster it knew (as a replica, once its own replica has taken over its slots).
cluster_dir() { echo "$STACK/redis-cluster/$1"; }
# The password reaches redis-cli through REDISCLI_AUTH, so it is not in the process list (unlike -a). Read
# once per run: the checks below call redis-cli dozens of times.
CLUSTER_PASSWORD=""
cluster_cli() {
  [[ -n "$CLUSTER_PASSWORD" ]] || CLUSTER_PASSWORD="$(stack_secret redis-password)"
  REDISCLI_AUTH="$CLUSTER_PASSWORD" redis-cli --no-auth-warning "$@" </dev/null 2>/dev/null
}
cluster_node_cli() { local port=$1; shift; cluster_cli -h 127.0.0.1 -p "$port" "$@" | tr -d '\r'; }
cluster_node_running() { pid_alive "$(cluster_dir "$1")/redis.pid" && port_open "$1" && port_open "$(($1 + CLUSTER_TLS_OFFSET))"; }
# Running, and answering with the stack's password.
cluster_node_up() { cluster_node_running "$1" && cluster_node_cli "$1" cluster info | grep -q '^cluster_state:'; }
# Is every "name:value" given among the node's CLUSTER INFO lines?
cluster_node_has() {
  local port=$1 info field; shift
  info="$(cluster_node_running "$port" && cluster_node_cli "$port" cluster info)" || return 1
  for field in "$@"; do grep -qx "$field" <<<"$info" || return 1; done
}

# Seed nodes for clients (any one that answers gives the client the whole map), in the form
# packages/queue/src/redis-url.ts reads: redis:// (or rediss://) with ?cluster=true and the other seeds as
# addr=host:port. Arguments: scheme, password, port shift (0, or CLUSTER_TLS_OFFSET for the TLS ports).
cluster_url() {
  local p=("${CLUSTER_PORTS[@]:0:3}")
  printf '%s://:%s@127.0.0.1:%s?cluster=true&addr=127.0.0.1:%s&addr=127.0.0.1:%s' "$1" "$2" \
    "$((p[0] + $3))" "$((p[1] + $3))" "$((p[2] + $3))"
}

# Whole: every node up and in state ok, all 16384 slots served, three primaries and three replicas, none failing.
cluster_up() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    cluster_node_has "$port" cluster_state:ok cluster_slots_assigned:16384 cluster_known_nodes:6 || return 1
  done
  # CLUSTER NODES' third field holds the flags: "myself,master", "slave", "master,fail?", ...
  [[ "$(cluster_node_cli "${CLUSTER_PORTS[0]}" cluster nodes | awk '
    $3 ~ /fail/ { bad++ } $3 ~ /(^|,)master(,|$)/ { m++ } $3 ~ /(^|,)slave(,|$)/ { r++ }
    END { print (bad == 0 && m == 3 && r == 3) ? "whole" : "not whole" }')" == whole ]]
}

# Every node already belongs to one six-node cluster covering all slots (it may still be converging, e.g.
# after a node restarted): worth waiting for rather than recreating.
cluster_formed() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    cluster_node_has "$port" cluster_known_nodes:6 cluster_slots_assigned:16384 || return 1
  done
}

# Up, alone and empty: ready to join a new cluster.
cluster_node_fresh() {
  cluster_node_has "$1" cluster_known_nodes:1 cluster_slots_assigned:0 && [[ "$(cluster_node_cli "$1" dbsize)" == 0 ]]
}

wait_cluster_up() {
  local seconds=$1 i
  for ((i = 0; i < seconds * 10; i++)); do cluster_up && return 0; sleep 0.1; done
  return 1
}

# A node is ready once it answers CLUSTER INFO with its pid file written. Redis opens its ports before it
# writes the pid file, so an open port alone is not enough: a node caught in between looks like somebody
# else's process (it cannot be stopped through its pid file, and holds the port a restart needs).
wait_cluster_node() {
  local port=$1 i
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    cluster_node_up "$port" && return 0
    sleep 0.1
  done
  log "Redis Cluster node $port did not come up within ${START_TIMEOUT}s; log: $(cluster_dir "$port")/redis.log"
  [[ -f "$(cluster_dir "$port")/redis.log" ]] && tail -n 20 "$(cluster_dir "$port")/redis.log" >&2
  exit 1
}

start_cluster_node() {
  local port=$1 dir; dir="$(cluster_dir "$1")"
  require_free "$port" "Redis Cluster node"
  require_free "$((port + CLUSTER_BUS_OFFSET))" "Redis Cluster bus of node $port"
  require_free "$((port + CLUSTER_TLS_OFFSET))" "Redis Cluster TLS port of node $port"
  mkdir -p "$dir"
  chown redis:redis "$dir"
  chmod 0700 "$dir"
  install -o redis -g redis -m 0600 "$STACK/tls/key.pem" "$dir/tls-key.pem"
  # requirepass for clients, masterauth for a replica syncing from its primary; in a file, out of the process list.
  (umask 077; printf 'requirepass %s\nmasterauth %s\n' "$(stack_secret redis-password)" "$(stack_secret redis-password)" >"$dir/auth.conf")
  chown redis:redis "$dir/auth.conf"
  # No persistence: a replica loads its primary's data straight from the socket (not through a dump.rdb
  # that a restart would load again), and a restarted node starts empty.
  rm -f "$dir/dump.rdb"
  # tls-cluster: the nodes talk TLS among themselves and tell TLS clients the TLS ports (plain clients the
  # plain ones); tls-replication, because a replica then reaches its primary on the TLS port. The bus port
  # is set, else it would follow the TLS port.
  (cd / && runuser -u redis -- redis-server "$dir/auth.conf" --bind 127.0.0.1 --port "$port" \
    --tls-port "$((port + CLUSTER_TLS_OFFSET))" --tls-cert-file "$STACK/tls/cert.pem" --tls-key-file "$dir/tls-key.pem" \
    --tls-ca-cert-file "$STACK/tls/cert.pem" --tls-auth-clients no --tls-cluster yes --tls-replication yes \
    --cluster-enabled yes --cluster-port "$((port + CLUSTER_BUS_OFFSET))" --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 3000 \
    --cluster-announce-ip 127.0.0.1 --dir "$dir" --save "" --appendonly no --repl-diskless-load swapdb \
    --repl-diskless-sync-delay 0 --maxmemory-policy noeviction \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1)
}

# A stopped node stays a zombie until PID 1 reaps it (1-2 s on these machines), with its ports already
# closed: count it as gone, and stop several nodes at once rather than one after the other.
process_running() {
  local state
  state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" && [[ -n "$state" && "$state" != Z ]]
}

stop_cluster_nodes() {
  local port pidfile pids=() pid i
  for port in "$@"; do
    pidfile="$(cluster_dir "$port")/redis.pid"
    pid_alive "$pidfile" || continue
    pid="$(head -n1 "$pidfile")"
    kill "$pid"
    pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 100; i++)); do process_running "$pid" || continue 2; sleep 0.1; done
    log "Redis Cluster node (pid $pid) did not stop within 10s"
  done
}

# Fresh, empty nodes made into a new cluster (first start, or a cluster that is half made or broken).
create_cluster() {
  local port seeds=() stale=() logfile="$STACK/redis-cluster/create.log"
  for port in "${CLUSTER_PORTS[@]}"; do
    seeds+=("127.0.0.1:$port")
    cluster_node_fresh "$port" || stale+=("$port")
  done
  # A node of an old or half-made cluster starts over, without its nodes.conf.
  if ((${#stale[@]} > 0)); then
    stop_cluster_nodes "${stale[@]}"
    for port in "${stale[@]}"; do
      rm -f "$(cluster_dir "$port")/nodes.conf"
      start_cluster_node "$port"
    done
  fi
  for port in "${CLUSTER_PORTS[@]}"; do wait_cluster_node "$port"; done
  # Masters are the first three ports, replicas the last three (--cluster-replicas 1 in list order).
  if ! cluster_cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >"$logfile" 2>&1; then
    tail -n 20 "$logfile" >&2
    die "redis-cli --cluster create failed; log: $logfile"
  fi
}

start_cluster() {
  local port last="${CLUSTER_PORTS[5]}" restarted=0
  if ((last > CLUSTER_MAX_PORT)); then
    die "STACK_PORT_OFFSET=$OFF puts the Redis Cluster on ports up to $last, whose cluster bus ($((last + CLUSTER_BUS_OFFSET))) would fall in the ephemeral port range; use an offset of at most $((CLUSTER_MAX_PORT - 17006))."
  fi
  cluster_up && return 0
  mkdir -p "$STACK/redis-cluster"
  chmod 0755 "$STACK/redis-cluster"
  local down=()
  for port in "${CLUSTER_PORTS[@]}"; do cluster_node_up "$port" || down+=("$port"); done
  if ((${#down[@]} > 0)); then
    # Stopped, or ours but not answering with the password or on its TLS port (an older stack's node).
    stop_cluster_nodes "${down[@]}"
    for port in "${down[@]}"; do start_cluster_node "$port"; done
    restarted=1
  fi
  for port in "${CLUSTER_PORTS[@]}"; do wait_cluster_node "$port"; done
  # Nodes that restarted with their nodes.conf, or a cluster in the middle of a failover, are whole again
  # within seconds (longer on a busy machine): wait rather than recreate a cluster that may be in use.
  if cluster_formed; then
    if wait_cluster_up "$START_TIMEOUT"; then
      ((restarted == 0)) || log "Redis Cluster nodes restarted; the cluster is ok again on 127.0.0.1:${CLUSTER_PORTS[0]}-$last"
      return 0
    fi
    log "the Redis Cluster did not become whole within ${START_TIMEOUT}s; recreating it (its data is lost)"
  fi
  log "creating the Redis Cluster on 127.0.0.1:${CLUSTER_PORTS[0]}-$last (3 primaries, 3 replicas)"
  create_cluster
  wait_cluster_up "$START_TIMEOUT" || die "the Redis Cluster did not reach cluster_state:ok within ${START_TIMEOUT}s; logs: $STACK/redis-cluster/*/redis.log"
}

stop_cluster() { stop_cluster_nodes "${CLUSTER_PORTS[@]}"; }

# ---------------------------------------------------------------------------------------------- dovecot
render() { # template -> stdout, replacing @@NAME@@ with values given as NAME=value arguments
  local template=$1; shift
  local args=(-e '') kv
  for kv in "$@"; do args+=(-e "s|@@${kv%%=*}@@|${kv#*=}|g"); done
  sed "${args[@]}" "$template"
}

dovecot_conf() { echo "$STACK/dovecot/$1/dovecot.conf"; }
dovecot_up() { pid_alive "$STACK/dovecot/$1/run/master.pid" && port_open "${IMAP_PORT[$1]}"; }

# Writes $2 from stdin only when the content differs; returns 0 when it changed.
write_if_changed() {
  local tmp; tmp="$(mktemp "$1.XXXXXX")"
  cat >"$tmp"
  if [[ -f "$1" ]] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 1; fi
  chmod 0644 "$tmp"
  mv "$tmp" "$1"
}

# Renders the profile's config; returns 0 when anything changed.
render_dovecot() {
  local p=$1 dir="$STACK/dovecot/$1" auth_listener="" smtp_passdb="" changed=1
  if [[ $p == standard ]]; then
    # Postfix's submission service asks this socket (in base_dir) whether a SASL login is good.
    auth_listener="  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }"
    # Postfix (service smtp) serves both domains: gmail.test logins are checked against the gmail users.
    # Only SMTP AUTH sees this passdb; IMAP logins of gmail.test users here still fail.
    smtp_passdb="protocol smtp {
  passdb {
    driver = passwd-file
    mechanisms = plain login
    args = scheme=SHA512-CRYPT username_format=%u $STACK/dovecot/gmail/users/%u
  }
}"
  fi
  render "$TEMPLATES/dovecot.conf.tmpl" LISTEN="$LISTEN" PROFILE="$p" DIR="$dir" STACK="$STACK" DOMAIN="${DOMAIN[$p]}" \
    IMAP_PORT="${IMAP_PORT[$p]}" IMAPS_PORT="${IMAPS_PORT[$p]}" LMTP_PORT="${LMTP_PORT[$p]}" |
    awk -v l="$auth_listener" -v s="$smtp_passdb" '
      $0 == "@@AUTH_LISTENER@@" { if (l != "") print l; next }
      $0 == "@@SMTP_PASSDB@@" { if (s != "") print s; next }
      { print }' |
    write_if_changed "$dir/dovecot.conf" && changed=0
  write_if_changed "$dir/namespace.conf" <"$TEMPLATES/namespace-$p.conf" && changed=0
  render "$TEMPLATES/dovecot-oauth2.conf.ext.tmpl" OAUTH_HTTP_PORT="$OAUTH_HTTP_PORT" | write_if_changed "$dir/dovecot-oauth2.conf.ext" && changed=0
  return "$changed"
}

start_dovecot() {
  local p=$1 dir="$STACK/dovecot/$1" changed=1
  mkdir -p "$dir/run" "$dir/state" "$dir/users" "$dir/home"
  chmod 0755 "$STACK/dovecot" "$dir" "$dir/users"
  # Homes are created by testkit (owned by the user's uid); 1777 lets Dovecot create them as that uid too.
  chmod 1777 "$dir/home"
  render_dovecot "$p" && changed=0
  if dovecot_up "$p"; then
    # A template changed under a running server: reload keeps sessions and picks up the new config.
    if ((changed == 0)); then log "config of Dovecot $p changed: reloading"; doveadm -c "$dir/dovecot.conf" reload; fi
    return 0
  fi
  require_free "${IMAP_PORT[$p]}" "Dovecot $p IMAP"
  require_free "${IMAPS_PORT[$p]}" "Dovecot $p IMAPS"
  require_free "${LMTP_PORT[$p]}" "Dovecot $p LMTP"
  log "starting Dovecot $p (IMAP ${IMAP_PORT[$p]}, IMAPS ${IMAPS_PORT[$p]}, LMTP ${LMTP_PORT[$p]})"
  # ~2,000 sessions need more descriptors than the usual 1024; take what the hard limit allows.
  (ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; cd / && dovecot -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1) ||
    die "Dovecot $p did not start; log: $dir/dovecot.log (check the config with: doveconf -c $dir/dovecot.conf -n)"
  wait_port "${IMAP_PORT[$p]}" "Dovecot $p" "$dir/dovecot.log"
  wait_port "${LMTP_PORT[$p]}" "Dovecot $p LMTP" "$dir/dovecot.log"
}

stop_dovecot() {
  local dir="$STACK/dovecot/$1"
  pid_alive "$dir/run/master.pid" || return 0
  doveadm -c "$dir/dovecot.conf" stop 2>/dev/null || kill "$(cat "$dir/run/master.pid")"
  wait_gone "$dir/run/master.pid" "Dovecot $1"
}

# ---------------------------------------------------------------------------------------------- postfix
postfix_up() { pid_alive "$STACK/postfix/queue/pid/master.pid" && port_open "$SUBMISSION_PORT"; }

render_postfix() {
  local dir="$STACK/postfix" changed=1
  local bind="127.0.0.1:" interfaces="127.0.0.1"
  if [[ $LISTEN != 127.0.0.1 ]]; then bind="" interfaces=all; fi
  render "$TEMPLATES/postfix-main.cf.tmpl" INET_INTERFACES="$interfaces" DIR="$dir" STACK="$STACK" \
    LMTP_STANDARD="${LMTP_PORT[standard]}" LMTP_GMAIL="${LMTP_PORT[gmail]}" INBOUND_DOMAIN="$INBOUND_DOMAIN" | write_if_changed "$dir/main.cf" && changed=0
  render "$TEMPLATES/postfix-master.cf.tmpl" BIND="$bind" SUBMISSION_PORT="$SUBMISSION_PORT" MX_PORT="$MX_PORT" |
    write_if_changed "$dir/master.cf" && changed=0
  printf 'gmail.test lmtp:inet:127.0.0.1:%s\n%s smtp:[%s]:%s\n' "${LMTP_PORT[gmail]}" "$INBOUND_DOMAIN" "$INBOUND_RELAY_HOST" "$INBOUND_SMTP_PORT" |
    write_if_changed "$dir/transport" && changed=0
  # Every login owns exactly the address it logs in with.
  printf '/^(.*)$/ ${1}\n' | write_if_changed "$dir/sender-login-map" && changed=0
  return "$changed"
}

start_postfix() {
  local dir="$STACK/postfix" changed=1
  mkdir -p "$dir/queue" "$dir/data"
  chown postfix:postfix "$dir/data"
  render_postfix && changed=0
  if postfix_up; then
    if ((changed == 0)); then log "config of Postfix changed: reloading"; postfix -c "$dir" reload >>"$dir/postfix.log" 2>&1; fi
    return 0
  fi
  require_free "$SUBMISSION_PORT" "Postfix submission"
  require_free "$MX_PORT" "Postfix MX"
  log "starting Postfix (submission $SUBMISSION_PORT, MX $MX_PORT)"
  # check creates the queue directories with the right owners; start refuses a broken config.
  if ! { postfix -c "$dir" check && postfix -c "$dir" start; } </dev/null >>"$dir/postfix.log" 2>&1; then
    tail -n 20 "$dir/postfix.log" >&2
    [[ -f "$dir/maillog" ]] && tail -n 20 "$dir/maillog" >&2
    die "Postfix did not start; logs: $dir/postfix.log, $dir/maillog"
  fi
  wait_port "$SUBMISSION_PORT" "Postfix submission" "$dir/maillog"
  wait_port "$MX_PORT" "Postfix MX" "$dir/maillog"
}

stop_postfix() {
  pid_alive "$STACK/postfix/queue/pid/master.pid" || return 0
  postfix -c "$STACK/postfix" stop >/dev/null 2>&1 || true
  wait_gone "$STACK/postfix/queue/pid/master.pid" Postfix
}

# ---------------------------------------------------------------------------------------------- oauth
# The fake OAuth server (issue 4, packages/testkit/src/oauth-server/): HTTP $OAUTH_HTTP_PORT for Dovecot's
# introspection and the tests' admin API, HTTPS $OAUTH_HTTPS_PORT (the stack's certificate) for the token
# endpoints. Run by node itself with tsx as a loader, so the pid file names the server, not a wrapper.
OAUTH_MAIN="$REPO/packages/testkit/src/oauth-server/main.ts"
# The project's own Node (the npm registry's node-linux-* package, see package.json), else the system's.
project_node() { if [[ -x "$REPO/node_modules/.bin/node" ]]; then echo "$REPO/node_modules/.bin/node"; else command -v node; fi; }
oauth_up() { pid_alive "$STACK/oauth/oauth.pid" && port_open "$OAUTH_HTTP_PORT" && port_open "$OAUTH_HTTPS_PORT"; }

start_oauth() {
  [[ -f "$OAUTH_MAIN" ]] || return 0
  if oauth_up; then return 0; fi
  # A server of ours that lost one of its ports is restarted, not left half-up.
  pid_alive "$STACK/oauth/oauth.pid" && stop_oauth
  require_free "$OAUTH_HTTP_PORT" "fake OAuth server (http)"
  require_free "$OAUTH_HTTPS_PORT" "fake OAuth server (https)"
  mkdir -p "$STACK/oauth"
  log "starting fake OAuth server (http $OAUTH_HTTP_PORT, https $OAUTH_HTTPS_PORT)"
  # cd first on its own: with "cd && node &" the pid file would name a bash wrapper holding our stdout.
  (cd "$REPO" || exit 1
    STACK_DIR="$STACK" OAUTH_HTTP_PORT="$OAUTH_HTTP_PORT" OAUTH_HTTPS_PORT="$OAUTH_HTTPS_PORT" \
    nohup "$(project_node)" --import "$REPO/node_modules/tsx/dist/loader.mjs" "$OAUTH_MAIN" >>"$STACK/oauth/oauth.log" 2>&1 </dev/null &
    echo $! >"$STACK/oauth/oauth.pid")
  # main.ts opens HTTPS before HTTP: once HTTP accepts, both do.
  wait_port "$OAUTH_HTTP_PORT" "fake OAuth server" "$STACK/oauth/oauth.log"
}

stop_oauth() {
  pid_alive "$STACK/oauth/oauth.pid" || return 0
  kill "$(cat "$STACK/oauth/oauth.pid")"
  wait_gone "$STACK/oauth/oauth.pid" "fake OAuth server"
}

# ---------------------------------------------------------------------------------------------- commands
cmd_start() {
  [[ $EUID -eq 0 ]] || die "start needs root (it runs each server as its own system user); try: sudo $0 start"
  install_packages
  place_state
  maybe_reuse_foreign_stack
  ensure_base
  if wants postgres; then start_postgres; fi
  if wants redis; then start_redis; fi
  if wants cluster; then start_cluster; fi
  local p
  if wants dovecot; then for p in "${PROFILES[@]}"; do start_dovecot "$p"; done; fi
  if wants postfix; then start_postfix; fi
  if wants oauth; then start_oauth; fi
  # Replaced in one step (or left alone when unchanged): a shell sourcing it meanwhile never reads half a file.
  local env_text
  env_text="$(print_env)"
  write_if_changed "$STACK/env" <<<"$env_text" || true
  [[ "$STACK" == "$OWN_STACK" ]] || { mkdir -p "$OWN_STACK"; cp "$STACK/env" "$OWN_STACK/env"; }
  log "up; environment in $OWN_STACK/env (or: eval \"\$(bash scripts/stack.sh env)\")"
}

cmd_stop() {
  if [[ "$STACK" != "$OWN_STACK" ]]; then
    log "this checkout reuses the stack at $STACK; not stopping it (run its own scripts/stack.sh stop)"
    rm -f "$OWN_STACK/reuse" "$OWN_STACK/env"
    return 0
  fi
  stop_oauth
  stop_postfix
  local p
  for p in "${PROFILES[@]}"; do stop_dovecot "$p"; done
  stop_cluster
  stop_redis
  stop_postgres
  log "stopped"
}

cmd_status() {
  local all=0 p
  say() { if $2; then printf '%-18s up\n' "$1"; else printf '%-18s down\n' "$1"; all=1; fi; }
  [[ "$STACK" == "$OWN_STACK" ]] || echo "(reusing the stack at $STACK)"
  say postgres pg_up
  say redis redis_up
  say redis-cluster cluster_up
  for p in "${PROFILES[@]}"; do say "dovecot-$p" "dovecot_up $p"; done
  say postfix postfix_up
  if [[ -f "$OAUTH_MAIN" ]]; then say oauth oauth_up; fi
  return "$all"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) [[ -f "$STACK/encryption-key" ]] || die "no stack in $STACK yet; run: bash scripts/stack.sh start"; print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
