#!/usr/bin/env bash
# Brings the whole system up on this machine: the broker (installed and started if needed), a build, and the
# coordinator (SQLite in .run/), which runs a supervised fleet of agent workers itself: at least MIN_AGENTS, more
# under a backlog (up to MAX_AGENTS), back to the minimum when idle, and a killed agent replaced within seconds.
# Ctrl-C (or SIGTERM) stops everything it started.
#
#   MIN_AGENTS (default 3; AGENTS is accepted too), MAX_AGENTS (default 8), COORDINATOR_URL (default http://127.0.0.1:5080),
#   RUN_DIR (default .run), NO_BUILD=1 to skip the build. Any coordinator setting can be given as an environment
#   variable too, e.g. Scaling__ScaleDownStabilization=00:00:10.
set -euo pipefail
cd "$(dirname "$0")"

MIN_AGENTS=${MIN_AGENTS:-${AGENTS:-3}}
MAX_AGENTS=${MAX_AGENTS:-8}
HTTP_URL=${COORDINATOR_URL:-http://127.0.0.1:5080}
RUN_DIR=${RUN_DIR:-.run}
mkdir -p "$RUN_DIR/logs"

./scripts/ensure-rabbitmq.sh
# The coordinator's own broker user (not guest/guest), its password kept in $RUN_DIR; its agents get users of their own.
# Another virtual host than / gets a user of its own, named after it (users are the broker's, not a virtual host's).
BROKER_VHOST=${RabbitMq__VirtualHost:-/}
if [ "$BROKER_VHOST" = / ]; then default_user=coordinator; else default_user="$BROKER_VHOST.coordinator"; fi
BROKER_USER=${RabbitMq__Username:-$default_user}
BROKER_PASSWORD=${RabbitMq__Password:-$(./scripts/ensure-broker-user.sh "$BROKER_USER" "$RUN_DIR/broker-password" "$BROKER_VHOST")}
if [ "${NO_BUILD:-}" != 1 ]; then
  echo "[run] building"
  dotnet build Coordinator.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
fi

coordinator=""
stop_all() {
  local code=${1:-0}
  # A second Ctrl-C while this waits: stop at once, everything in the group included.
  trap 'kill -KILL -- "-$coordinator" 2>/dev/null; exit 130' INT TERM
  trap - EXIT
  [ -n "$coordinator" ] || exit "$code"
  echo
  echo "[run] stopping: the coordinator drains and stops its agents, then exits"
  kill -TERM "$coordinator" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$coordinator" 2>/dev/null || break; sleep 0.2; done
  # The coordinator leads its own process group, and its agents are in it: whatever is left goes too.
  kill -TERM -- "-$coordinator" 2>/dev/null || true
  for _ in $(seq 1 25); do pgrep -g "$coordinator" >/dev/null 2>&1 || break; sleep 0.2; done
  kill -KILL -- "-$coordinator" 2>/dev/null || true
  echo "[run] stopped"
  exit "$code"
}
trap "stop_all 0" INT TERM
trap 'stop_all $?' EXIT

# A session (and process group) of its own: Ctrl-C reaches this script, which stops the coordinator in order,
# and every agent the coordinator starts shares its group, so nothing it started can outlive this script.
# The agents it starts connect as their own broker users (made by the coordinator), as outside Development.
DOTNET_ENVIRONMENT=Development \
AgentIdentity__Mode="${AgentIdentity__Mode:-Broker}" \
RabbitMq__Username="$BROKER_USER" RabbitMq__Password="$BROKER_PASSWORD" \
Coordinator__HttpUrl="$HTTP_URL" \
Database__ConnectionString="${Database__ConnectionString:-Data Source=$RUN_DIR/coordinator.db}" \
Scaling__Enabled=true Scaling__MinAgents="$MIN_AGENTS" Scaling__MaxAgents="$MAX_AGENTS" \
Provisioning__LogDirectory="$RUN_DIR/logs" \
  setsid dotnet src/Coordinator/bin/Release/net10.0/Coordinator.dll >"$RUN_DIR/logs/coordinator.log" 2>&1 &
coordinator=$!
echo "[run] coordinator pid $coordinator (log $RUN_DIR/logs/coordinator.log)"

ready=""
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null --max-time 2 "$HTTP_URL/health/ready" 2>/dev/null; then ready=1; break; fi
  kill -0 "$coordinator" 2>/dev/null || { echo "[run] the coordinator exited:"; tail -n 30 "$RUN_DIR/logs/coordinator.log"; exit 1; }
  sleep 0.5
done
[ -n "$ready" ] || { echo "[run] the coordinator did not become ready in 60 s"; tail -n 30 "$RUN_DIR/logs/coordinator.log"; exit 1; }

active=0
for _ in $(seq 1 120); do
  active=$(curl -fsS --max-time 2 "$HTTP_URL/api/agents" 2>/dev/null | grep -o '"state":"Active"' | wc -l || true)
  [ "$active" -ge "$MIN_AGENTS" ] && break
  sleep 0.5
done

cat <<INFO

  Agents active:  $active (the coordinator keeps $MIN_AGENTS to $MAX_AGENTS; agent logs in $RUN_DIR/logs/)
  Dashboard:      $HTTP_URL/   (overview, agents with drain and mark-failed, tasks; live, no reload)
  API:            $HTTP_URL/api/agents   $HTTP_URL/api/scaling   $HTTP_URL/api/metrics   $HTTP_URL/api/alerts
                  described at $HTTP_URL/openapi/v1.json   (health: $HTTP_URL/health/ready)
  Prometheus:     $HTTP_URL/metrics
  CLI:            dotnet src/Cli/bin/Release/net10.0/coordinator-cli.dll watch   (or: scaling, agents, submit ...)
  RabbitMQ UI:    http://127.0.0.1:15672   (user $BROKER_USER, password in $RUN_DIR/broker-password; each agent has its own user)
  API keys:       none needed from this machine (Development: loopback is trusted). From elsewhere, make one:
                    dotnet src/Cli/bin/Release/net10.0/coordinator-cli.dll keys new --name me --role operator
                  and start run.sh with the Api__Keys__0__* lines it prints; send the key as X-Api-Key (or at $HTTP_URL/login)

  Try: kill -9 an agent (its pid is in $HTTP_URL/api/agents) and watch a replacement come up;
       publish a backlog from any AMQP client, e.g. (amqp-tools, one message per line)
         yes '{"taskType":"sleep","payload":{"ms":2000}}' | head -n 200 | amqp-publish -e coordinator.tasks -C application/json -p -l
       and watch the fleet grow, then shrink back once it is idle.

  Ctrl-C stops everything this script started.
INFO

# Runs until Ctrl-C; a coordinator that exits by itself ends the run (its log says why).
while kill -0 "$coordinator" 2>/dev/null; do
  sleep 1 &
  wait $! || true
done
echo "[run] the coordinator exited; see $RUN_DIR/logs/coordinator.log"
tail -n 20 "$RUN_DIR/logs/coordinator.log"
stop_all 1
