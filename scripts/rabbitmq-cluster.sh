#!/usr/bin/env bash
# Runs a three-node RabbitMQ cluster on this machine, loopback only, beside the dev node (rabbit@<host> on 5672,
# which this script never touches): coord-rmq-1/2/3@localhost, for trying quorum queues and broker fail-over.
#
#   scripts/rabbitmq-cluster.sh start          start the cluster (idempotent); prints the settings that point this
#                                              project at it (stdout: KEY=VALUE lines, node lines as # comments)
#   scripts/rabbitmq-cluster.sh stop-node N    stop node N (1..3) entirely, its Erlang VM included
#   scripts/rabbitmq-cluster.sh start-node N   start node N again; waits until it runs in the cluster
#   scripts/rabbitmq-cluster.sh stop           stop all three nodes; the data stays
#   scripts/rabbitmq-cluster.sh reset          stop, then remove the data (a fresh cluster on the next start)
#   scripts/rabbitmq-cluster.sh status         which nodes run (exit 0 when all three do, 3 otherwise)
#   scripts/rabbitmq-cluster.sh tls-start DIR  start a fourth node of its own, coord-rmq-tls@localhost (not clustered),
#                                              whose only AMQP listener is TLS: AMQPS 127.0.0.1:5689 with DIR's ca.pem,
#                                              server.pem and server.key (e.g. made with openssl; copied for the node)
#   scripts/rabbitmq-cluster.sh tls-stop       stop that node
#
#   CLUSTER_DIR (default /var/tmp/coordinator-rabbitmq-cluster): each node's config, data and logs, under nodeN/.
#
# Node N: AMQP 127.0.0.1:568N, management http://127.0.0.1:1568N, Erlang distribution 127.0.0.1:2568N.
# e.g.  set -a; . <(scripts/rabbitmq-cluster.sh start); set +a; dotnet run --project src/Coordinator
set -euo pipefail

log() { printf '[rabbitmq-cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() { sed -n '5,17p' "$0" | sed 's/^# \{0,3\}//' >&2; exit 2; }

# The host part of the node names. `localhost` works with short names (checked on Debian 12, Erlang 25, RabbitMQ
# 3.10): /etc/hosts maps it to 127.0.0.1 and Erlang takes it as an -sname host. The short hostname would work too,
# but it differs between machines and may resolve to a non-loopback address.
HOST=localhost
BASE=${CLUSTER_DIR:-/var/tmp/coordinator-rabbitmq-cluster}
case "$BASE" in /?*) ;; *) die "CLUSTER_DIR must be an absolute path other than / (got '$BASE')";; esac
BASE=${BASE%/}

RABBIT_BIN=/usr/lib/rabbitmq/bin
# The Debian wrappers (/usr/sbin/rabbitmqctl, rabbitmq-server) run everything as the user rabbitmq with
# HOME=/var/lib/rabbitmq, so the cookie root's `rabbitmqctl` uses is /var/lib/rabbitmq/.erlang.cookie. These nodes
# and our CLI calls run as that same user with that same HOME: one cookie for the dev node and the cluster, and
# `rabbitmqctl -n coord-rmq-1@localhost ...` works as root without any --erlang-cookie.
RABBIT_USER=rabbitmq
RABBIT_HOME=$(getent passwd "$RABBIT_USER" | cut -d: -f6 || true)

# Erlang distribution on loopback only: the nodes (and the CLI's own short-lived node) listen for peers on 127.0.0.1.
# An epmd started by one of these nodes listens on loopback too; the dev node's epmd, when it runs already, is reused.
DIST_LOOPBACK='-kernel inet_dist_use_interface {127,0,0,1}'
export ERL_EPMD_ADDRESS=127.0.0.1

TRIES=120   # bounded waits: 120 tries of 0.5 s (longer in wall time when a try runs the CLI)

# Node 9 is the TLS node (tls-start): ports 5689, 15689, 25689.
TLS_NODE=9
short_name() { if [ "$1" = "$TLS_NODE" ]; then echo coord-rmq-tls; else echo "coord-rmq-$1"; fi; }
node_name() { echo "$(short_name "$1")@$HOST"; }
amqp_port() { echo $((5680 + $1)); }
mgmt_port() { echo $((15680 + $1)); }
dist_port() { echo $((25680 + $1)); }
node_dir() { echo "$BASE/node$1"; }
node_log() { echo "$(node_dir "$1")/log/$(node_name "$1").log"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# From the rabbitmq user's home: the caller's working directory may be one that user cannot read.
as_rabbitmq() {
  if [ "$(id -u)" -eq 0 ]; then (cd "$RABBIT_HOME" && runuser -u "$RABBIT_USER" -- "$@")
  else (cd "$RABBIT_HOME" && sudo -u "$RABBIT_USER" -- "$@"); fi
}

# rabbitmqctl / rabbitmq-diagnostics / rabbitmq-plugins as root's `rabbitmqctl` would run them, CLI node on loopback.
cli() {
  local tool=$1; shift
  as_rabbitmq env HOME="$RABBIT_HOME" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_CTL_ERL_ARGS="$DIST_LOOPBACK" \
    "$RABBIT_BIN/$tool" "$@"
}
ctl() { local n=$1; shift; cli rabbitmqctl -n "$(node_name "$n")" "$@"; }

amqp_up() { (exec 3<>"/dev/tcp/127.0.0.1/$(amqp_port "$1")") 2>/dev/null; }
mgmt_up() { curl -fsS -u guest:guest -o /dev/null --max-time 2 "http://127.0.0.1:$(mgmt_port "$1")/api/overview" 2>/dev/null; }
ports_up() { amqp_up "$1" && mgmt_up "$1"; }
# The node's Erlang VM is registered with epmd (running, booting, or with the app stopped).
vm_up() { epmd -names 2>/dev/null | grep -q "^name $(short_name "$1") at port "; }

# The nodes node N's cluster_status lists under running_nodes (or disk_nodes): one name a line.
cluster_nodes() {
  local n=$1 key=$2 json
  json=$(ctl "$n" -q cluster_status --formatter json 2>/dev/null) || return 1
  printf '%s' "$json" | tr -d '\n' | sed -n "s/.*\"$key\":\[\([^]]*\)\].*/\1/p" | tr ',' '\n' | tr -d '" '
}
in_running() { cluster_nodes "$1" running_nodes | grep -qx "$(node_name "$2")"; }

fail_node() {
  local n=$1 what=$2
  log "node $(node_name "$n") $what; its log: $(node_log "$n") (startup output: $(node_dir "$n")/log/startup.log)"
  if [ -f "$(node_log "$n")" ]; then tail -n 15 "$(node_log "$n")" | sed 's/^/    /' >&2; fi
  exit 1
}

prepare_node() {
  local n=$1 d; d=$(node_dir "$n")
  as_root install -d -o "$RABBIT_USER" -g "$RABBIT_USER" -m 0750 "$d" "$d/mnesia" "$d/log"
  # Rewritten on every start, so a change here applies on the next start of the node.
  if [ "$n" = "$TLS_NODE" ]; then
    as_root install -d -o "$RABBIT_USER" -g "$RABBIT_USER" -m 0750 "$d/certs"
    local f
    for f in ca.pem server.pem server.key; do
      [ -f "$TLS_CERTS/$f" ] || die "tls-start: $TLS_CERTS/$f does not exist (a CA certificate, the server's certificate and its key, PEM)"
      as_root install -o "$RABBIT_USER" -g "$RABBIT_USER" -m 0600 "$TLS_CERTS/$f" "$d/certs/$f"
    done
    as_root tee "$d/rabbitmq.conf" >/dev/null <<CONF
listeners.tcp = none
listeners.ssl.default = 127.0.0.1:$(amqp_port "$n")
ssl_options.cacertfile = $d/certs/ca.pem
ssl_options.certfile = $d/certs/server.pem
ssl_options.keyfile = $d/certs/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = 127.0.0.1
management.tcp.port = $(mgmt_port "$n")
loopback_users = none
collect_statistics_interval = 1000
CONF
  else
  as_root tee "$d/rabbitmq.conf" >/dev/null <<CONF
listeners.tcp.1 = 127.0.0.1:$(amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(mgmt_port "$n")
loopback_users = none
# Queue statistics (consumer counts) refreshed every second, as on the dev node: recovery reads them.
collect_statistics_interval = 1000
CONF
  fi
  as_root chmod 0644 "$d/rabbitmq.conf"
  if ! grep -q rabbitmq_management "$d/enabled_plugins" 2>/dev/null; then
    node_env "$n"
    as_rabbitmq env "${NODE_ENV[@]}" "$RABBIT_BIN/rabbitmq-plugins" --offline enable rabbitmq_management >/dev/null \
      || die "could not enable the management plugin for $(node_name "$n")"
  fi
}

# Everything that makes node N itself, in NODE_ENV. The env file and advanced.config point into the node's own
# directory (neither exists): the dev node's /etc/rabbitmq/rabbitmq-env.conf and advanced.config stay out of it.
node_env() {
  local n=$1 d; d=$(node_dir "$n")
  NODE_ENV=(
    HOME="$RABBIT_HOME"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_NODENAME="$(node_name "$n")"
    RABBITMQ_USE_LONGNAME=false
    RABBITMQ_CONF_ENV_FILE="$d/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$d/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$d/mnesia"
    RABBITMQ_LOG_BASE="$d/log"
    RABBITMQ_PID_FILE="$d/rabbitmq.pid"
    # Needed: the default is RABBITMQ_NODE_PORT (5672 unless set; the config file's listener does not count) + 20000,
    # i.e. 25672, the dev node's, and the boot fails with dist_port_already_used.
    RABBITMQ_DIST_PORT="$(dist_port "$n")"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$DIST_LOOPBACK"
    RABBITMQ_CTL_ERL_ARGS="$DIST_LOOPBACK"
  )
}

# Starts node N's VM detached unless it is registered already (running or still booting).
launch_node() {
  local n=$1 d; d=$(node_dir "$n")
  if vm_up "$n"; then return 0; fi
  # A port taken by something else would fail the boot, or worse, answer the waits below in the node's stead.
  local port
  for port in "$(amqp_port "$n")" "$(mgmt_port "$n")" "$(dist_port "$n")"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "cannot start $(node_name "$n"): 127.0.0.1:$port is in use by another process (ss -ltnp 'sport = :$port')"
    fi
  done
  prepare_node "$n"
  log "starting $(node_name "$n")"
  node_env "$n"
  as_rabbitmq env "${NODE_ENV[@]}" "$RABBIT_BIN/rabbitmq-server" -detached >"$d/log/startup.log" 2>&1 \
    || fail_node "$n" "failed to start"
}

# Waits until node N's AMQP and management ports answer; fails at once when its VM, once seen, goes away
# (a boot failure halts the VM: waiting on would only delay the message).
wait_ports() {
  local n=$1 seen=""
  for _ in $(seq 1 "$TRIES"); do
    if ports_up "$n"; then return 0; fi
    if vm_up "$n"; then seen=1; elif [ -n "$seen" ]; then fail_node "$n" "exited while starting"; fi
    sleep 0.5
  done
  # Restarted from existing data, a node waits (up to 5 min) for the peers it last ran with; it keeps waiting.
  if tail -n 20 "$(node_log "$n")" 2>/dev/null | grep -q 'Waiting for Mnesia tables'; then
    fail_node "$n" "did not come up within $((TRIES / 2)) s: it still waits for the nodes it last ran with (start them: $0 start)"
  fi
  fail_node "$n" "did not come up within $((TRIES / 2)) s"
}

# Node N runs in the same cluster as node 1 (joins it when it does not yet). Runs while N's app is up.
ensure_joined() {
  local n=$1 one; one=$(node_name 1)
  if cluster_nodes "$n" disk_nodes | grep -qx "$one"; then return 0; fi
  log "joining $(node_name "$n") to $one"
  ctl "$n" -q stop_app >/dev/null || fail_node "$n" "could not stop its app to join $one"
  ctl "$n" -q join_cluster "$one" >/dev/null || fail_node "$n" "could not join $one"
  ctl "$n" -q start_app >/dev/null || fail_node "$n" "could not start its app after joining $one"
}

# Waits until node N's cluster_status (a running node's view) lists all of the nodes given as running.
wait_running() {
  local view=$1; shift
  local want=$* ok n
  for _ in $(seq 1 "$TRIES"); do
    ok=1
    for n in $want; do in_running "$view" "$n" || { ok=""; break; }; done
    if [ -n "$ok" ]; then return 0; fi
    sleep 0.5
  done
  for n in $want; do in_running "$view" "$n" || fail_node "$n" "is not running in the cluster (as $(node_name "$view") sees it) within $((TRIES / 2)) s"; done
}

# Stops node N's VM and waits until its AMQP port no longer answers.
stop_one() {
  local n=$1 pid_file pid
  pid_file="$(node_dir "$n")/rabbitmq.pid"
  if ! vm_up "$n" && ! amqp_up "$n"; then log "$(node_name "$n") is not running"; return 0; fi
  log "stopping $(node_name "$n")"
  # shutdown stops the app and the VM and returns once the VM's OS process is gone.
  if ! ctl "$n" -q shutdown >/dev/null 2>&1; then
    # Unreachable through the CLI (say, a wrong cookie): SIGTERM makes RabbitMQ stop gracefully too.
    pid=$(cat "$pid_file" 2>/dev/null || true)
    if [ -n "$pid" ]; then as_root kill -TERM "$pid" 2>/dev/null || true; fi
  fi
  for _ in $(seq 1 "$TRIES"); do
    if ! amqp_up "$n" && ! vm_up "$n"; then log "$(node_name "$n") stopped"; return 0; fi
    sleep 0.5
  done
  fail_node "$n" "did not stop within $((TRIES / 2)) s"
}

print_settings() {
  local n i
  for n in 1 2 3; do
    printf '# %s amqp=127.0.0.1:%s management=http://127.0.0.1:%s\n' "$(node_name "$n")" "$(amqp_port "$n")" "$(mgmt_port "$n")"
  done
  for n in 1 2 3; do
    i=$((n - 1))
    printf 'RabbitMq__Nodes__%s__Host=127.0.0.1\n' "$i"
    printf 'RabbitMq__Nodes__%s__Port=%s\n' "$i" "$(amqp_port "$n")"
    printf 'RabbitMq__Nodes__%s__ManagementPort=%s\n' "$i" "$(mgmt_port "$n")"
  done
  printf 'RabbitMq__QueueType=Quorum\n'
}

preflight() {
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || die "RabbitMQ is not installed (run scripts/ensure-rabbitmq.sh first)"
  [ -n "$RABBIT_HOME" ] || die "no user $RABBIT_USER (the Debian package creates it)"
  command -v curl >/dev/null 2>&1 || die "curl is needed"
}

node_arg() {
  case "${1:-}" in 1|2|3) echo "$1";; *) die "expected a node number 1, 2 or 3 (got '${1:-}')";; esac
}

cmd_start() {
  local n started=$SECONDS
  # All at once: restarted from existing data, each node waits (mnesia) for the peers it last ran with, so
  # one at a time would stall; from nothing, each boots alone first and nodes 2 and 3 join node 1 below.
  for n in 1 2 3; do launch_node "$n"; done
  for n in 1 2 3; do wait_ports "$n"; done
  for n in 2 3; do ensure_joined "$n"; done
  wait_running 1 1 2 3
  for n in 1 2 3; do wait_ports "$n"; done
  log "cluster up: 3 running nodes ($((SECONDS - started)) s)"
  print_settings
}

cmd_start_node() {
  local n=$1 m view=$1
  launch_node "$n"
  wait_ports "$n"
  # Judged by a peer that runs: the node's own view always lists itself.
  for m in 1 2 3; do
    if [ "$m" != "$n" ] && amqp_up "$m"; then view=$m; break; fi
  done
  [ "$n" = 1 ] || ensure_joined "$n"
  wait_running "$view" "$n"
  log "$(node_name "$n") runs in the cluster"
}

cmd_stop() {
  # Nodes 2 and 3 together (a graceful stop takes ~8 s, 5 of them the management plugin's), node 1 last: the node
  # that stops last can start again alone, while the others wait for it (`start` starts all three at once anyway).
  local pids=() pid failed=""
  stop_one 2 & pids+=($!)
  stop_one 3 & pids+=($!)
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  [ -z "$failed" ] || exit 1
  stop_one 1
}

cmd_status() {
  local n all=0
  for n in 1 2 3; do
    if ports_up "$n"; then
      printf '%s running amqp=127.0.0.1:%s management=http://127.0.0.1:%s\n' "$(node_name "$n")" "$(amqp_port "$n")" "$(mgmt_port "$n")"
    elif vm_up "$n"; then
      printf '%s starting or app stopped (VM up, ports not answering)\n' "$(node_name "$n")"; all=3
    else
      printf '%s stopped\n' "$(node_name "$n")"; all=3
    fi
  done
  return "$all"
}

preflight
case "${1:-}" in
  start) cmd_start ;;
  stop-node) n=$(node_arg "${2:-}"); stop_one "$n" ;;
  start-node) n=$(node_arg "${2:-}"); cmd_start_node "$n" ;;
  stop) cmd_stop ;;
  reset)
    cmd_stop
    log "removing $BASE"
    as_root rm -rf -- "$BASE"
    ;;
  status) cmd_status ;;
  tls-start)
    TLS_CERTS=${2:?tls-start needs the directory of ca.pem, server.pem and server.key}
    TLS_CERTS=$(cd "$TLS_CERTS" && pwd)
    # Always with the certificates given: a node left running from before may hold others.
    stop_one "$TLS_NODE"
    launch_node "$TLS_NODE"
    wait_ports "$TLS_NODE"
    log "$(node_name "$TLS_NODE") up: AMQPS 127.0.0.1:$(amqp_port "$TLS_NODE") (no plain AMQP), management http://127.0.0.1:$(mgmt_port "$TLS_NODE")"
    printf 'RabbitMq__Host=localhost\nRabbitMq__Port=%s\nRabbitMq__ManagementPort=%s\nRabbitMq__UseTls=true\nRabbitMq__CaCertificatePath=%s\n' \
      "$(amqp_port "$TLS_NODE")" "$(mgmt_port "$TLS_NODE")" "$TLS_CERTS/ca.pem"
    ;;
  tls-stop) stop_one "$TLS_NODE" ;;
  *) usage ;;
esac
