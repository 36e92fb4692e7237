#!/usr/bin/env bash
# Several coordinators and a replicated broker on this machine: a three-node RabbitMQ cluster with quorum queues
# (scripts/rabbitmq-cluster.sh), PostgreSQL (scripts/ensure-postgres.sh), COORDINATORS coordinators on one database (one owns
# the task path, the others stand by), each restarted when it exits (as a supervisor would), and AGENTS agent workers given
# the cluster's node list. Everything listens on loopback only. Ctrl-C (or SIGTERM) stops everything it started, the
# cluster's nodes included (their data stays; `scripts/rabbitmq-cluster.sh reset` removes it).
#
#   COORDINATORS (default 3, at most 5), AGENTS (default 3), FIRST_PORT (default 5080: coordinator N answers on FIRST_PORT+N-1),
#   RUN_DIR (default .run-ha), DATABASE (default coordinator_ha; made when missing), NO_BUILD=1 to skip the build. Any coordinator setting can be given as an environment variable.
set -euo pipefail
cd "$(dirname "$0")/.."

COORDINATORS=${COORDINATORS:-3}
AGENTS=${AGENTS:-3}
FIRST_PORT=${FIRST_PORT:-5080}
RUN_DIR=${RUN_DIR:-.run-ha}
DATABASE=${DATABASE:-coordinator_ha}
log() { printf '[run-ha] %s\n' "$*"; }

case "$COORDINATORS" in [1-5]) ;; *) log "COORDINATORS must be 1 to 5 (was '$COORDINATORS')"; exit 2;; esac
case "$AGENTS" in ''|*[!0-9]*) log "AGENTS must be a whole number (was '$AGENTS')"; exit 2;; esac
case "$FIRST_PORT" in ''|*[!0-9]*) log "FIRST_PORT must be a port number (was '$FIRST_PORT')"; exit 2;; esac
[[ "$DATABASE" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { log "DATABASE must be a plain PostgreSQL name: lower-case letters, digits, _ (was '$DATABASE')"; exit 2; }
mkdir -p "$RUN_DIR/logs"
STOP_FLAG="$RUN_DIR/stopping"
rm -f "$STOP_FLAG"

./scripts/ensure-rabbitmq.sh   # the cluster's nodes use the same Debian package
./scripts/ensure-postgres.sh
log "starting the three-node broker cluster (about 25 s the first time)"
./scripts/rabbitmq-cluster.sh start >"$RUN_DIR/cluster.env"
set -a
# shellcheck disable=SC1090,SC1091
. "$RUN_DIR/cluster.env"
set +a
if [ "${NO_BUILD:-}" != 1 ]; then
  log "building"
  dotnet build Coordinator.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
PGPASSWORD=coordinator psql -h 127.0.0.1 -U coordinator -d coordinator -tAc "select 1 from pg_database where datname = '$DATABASE'" | grep -q 1 \
  || PGPASSWORD=coordinator psql -h 127.0.0.1 -U coordinator -d coordinator -qc "create database $DATABASE" >/dev/null
export Database__Provider=Postgres
export Database__ConnectionString="${Database__ConnectionString:-Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database=$DATABASE}"

supervisors=()
agents=()
stop_all() {
  local code=${1:-0}
  trap - INT TERM EXIT
  echo
  log "stopping: agents, coordinators, then the cluster's nodes"
  touch "$STOP_FLAG"
  for pid in "${agents[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${agents[@]}"; do for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; done
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${supervisors[@]}"; do wait "$pid" 2>/dev/null || true; done
  ./scripts/rabbitmq-cluster.sh stop || true
  rm -f "$STOP_FLAG"
  log "stopped"
  exit "$code"
}
trap "stop_all 0" INT TERM
trap 'stop_all $?' EXIT

# One coordinator slot: started, and started again whenever it exits, until the run stops. A coordinator that fails
# within 10 s of starting five times in a row is given up on (its log says why).
supervise() {
  local n=$1 port=$((FIRST_PORT + $1 - 1)) quick=0 child=""
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; for _ in $(seq 1 150); do kill -0 "$child" 2>/dev/null || break; sleep 0.2; done; kill -KILL "$child" 2>/dev/null; exit 0' TERM
  while [ ! -e "$STOP_FLAG" ]; do
    local started=$SECONDS
    DOTNET_ENVIRONMENT=Development Coordinator__HttpUrl="http://127.0.0.1:$port" \
      dotnet src/Coordinator/bin/Release/net10.0/Coordinator.dll \
      >>"$RUN_DIR/logs/coordinator-$n.log" 2>&1 &
    child=$!
    echo "$child" >"$RUN_DIR/coordinator-$n.pid"
    wait "$child" || true
    [ -e "$STOP_FLAG" ] && break
    if [ $((SECONDS - started)) -lt 10 ]; then quick=$((quick + 1)); else quick=0; fi
    if [ "$quick" -ge 5 ]; then log "coordinator $n keeps failing at start; giving up on it (see $RUN_DIR/logs/coordinator-$n.log)"; exit 1; fi
    log "coordinator $n (port $port) exited; starting it again as a standby"
    sleep 2
  done
}

for n in $(seq 1 "$COORDINATORS"); do
  supervise "$n" &
  supervisors+=($!)
done

urls=()
for n in $(seq 1 "$COORDINATORS"); do urls+=("http://127.0.0.1:$((FIRST_PORT + n - 1))"); done
ready=""
for _ in $(seq 1 120); do
  up=0
  for url in "${urls[@]}"; do curl -s -o /dev/null --max-time 2 "$url/health/live" 2>/dev/null && up=$((up + 1)); done
  owner=""
  for url in "${urls[@]}"; do curl -fs -o /dev/null --max-time 2 "$url/health/owner" 2>/dev/null && owner=$url; done
  if [ "$up" -eq "$COORDINATORS" ] && [ -n "$owner" ]; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { log "the coordinators did not come up in 60 s; see $RUN_DIR/logs/"; exit 1; }

for n in $(seq 1 "$AGENTS"); do
  dotnet src/AgentWorker/bin/Release/net10.0/AgentWorker.dll --agent-id "ha-agent-$n" >"$RUN_DIR/logs/agent-$n.log" 2>&1 &
  agents+=($!)
done
active=0
for _ in $(seq 1 120); do
  active=$(curl -fsS --max-time 2 "$owner/api/agents" 2>/dev/null | grep -o '"state":"Active"' | wc -l || true)
  [ "$active" -ge "$AGENTS" ] && break
  sleep 0.5
done

cat <<INFO

  Coordinators:   ${urls[*]}
                  the owner of the task path now: $owner (GET /health/owner is 200 on it alone)
                  any of them serves the dashboard, the API and /metrics; writes reach the owner through the broker
  Agents active:  $active of $AGENTS (ha-agent-N; logs in $RUN_DIR/logs/)
  Broker:         three nodes, quorum queues; management UI http://127.0.0.1:15681 (guest / guest)
  Database:       PostgreSQL, database $DATABASE

  Try: kill -9 the owner:  kill -9 \$(cat $RUN_DIR/coordinator-$(( ${owner##*:} - FIRST_PORT + 1 )).pid)
       and watch another take over in about 3 s (GET /health/ready on each says its role); the killed one comes back a standby;
       stop a broker node:  scripts/rabbitmq-cluster.sh stop-node 1   (and start-node 1)
       submit through any coordinator:  curl -X POST ${urls[${#urls[@]}-1]}/api/tasks -H 'content-type: application/json' \\
         -d '{"taskType":"sleep","payload":{"ms":500}}'

  Ctrl-C stops everything this script started.
INFO

# Runs until Ctrl-C; if every coordinator slot has given up, the run ends.
while true; do
  alive=0
  for pid in "${supervisors[@]}"; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
  [ "$alive" -gt 0 ] || { log "no coordinator left; see $RUN_DIR/logs/"; stop_all 1; }
  sleep 1 &
  wait $! || true
done
