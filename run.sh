#!/usr/bin/env bash
# Brings the whole system up on this machine: the broker (installed and started if needed), a build,
# the coordinator (SQLite in .run/) and three agent workers. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"

AGENTS=${AGENTS:-3}
HTTP_URL=${COORDINATOR_URL:-http://127.0.0.1:5080}
RUN_DIR=.run
mkdir -p "$RUN_DIR/logs"

./scripts/ensure-rabbitmq.sh
echo "[run] building"
dotnet build Coordinator.sln -c Release -nologo -clp:ErrorsOnly >/dev/null

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "[run] stopping: agents first (they drain and unregister), then the coordinator"
  # Agents are pids[1..], the coordinator pids[0]; each group gets SIGTERM, up to 20 s, then SIGKILL.
  for group in agents coordinator; do
    if [ "$group" = agents ]; then targets=("${pids[@]:1}"); else targets=("${pids[0]}"); fi
    for pid in "${targets[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${targets[@]}"; do
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    done
  done
}
trap stop_all INT TERM EXIT

Coordinator__HttpUrl="$HTTP_URL" Database__ConnectionString="Data Source=$RUN_DIR/coordinator.db" \
  dotnet src/Coordinator/bin/Release/net10.0/Coordinator.dll >"$RUN_DIR/logs/coordinator.log" 2>&1 &
pids+=($!)
echo "[run] coordinator pid $! (log $RUN_DIR/logs/coordinator.log)"

ready=""
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null --max-time 2 "$HTTP_URL/health/ready" 2>/dev/null; then ready=1; break; fi
  kill -0 "${pids[0]}" 2>/dev/null || { echo "[run] the coordinator exited:"; tail -n 30 "$RUN_DIR/logs/coordinator.log"; exit 1; }
  sleep 0.5
done
[ -n "$ready" ] || { echo "[run] the coordinator did not become ready in 60 s"; tail -n 30 "$RUN_DIR/logs/coordinator.log"; exit 1; }

for i in $(seq 1 "$AGENTS"); do
  dotnet src/AgentWorker/bin/Release/net10.0/AgentWorker.dll --agent-id "agent-$i" --capabilities echo,sleep,compute,fail \
    >"$RUN_DIR/logs/agent-$i.log" 2>&1 &
  pids+=($!)
  echo "[run] agent-$i pid $! (log $RUN_DIR/logs/agent-$i.log)"
done

for _ in $(seq 1 120); do
  active=$(curl -fsS --max-time 2 "$HTTP_URL/api/agents" 2>/dev/null | grep -o '"state":"Active"' | wc -l || true)
  [ "$active" -ge "$AGENTS" ] && break
  sleep 0.5
done

cat <<INFO

  Agents active:  ${active:-0} of $AGENTS
  Dashboard/API:  $HTTP_URL/api/agents   (health: $HTTP_URL/health/ready)
  RabbitMQ UI:    http://127.0.0.1:15672   (guest / guest)

  Ctrl-C stops everything this script started.
INFO

wait -n "${pids[@]}" || true
echo "[run] a process exited; see $RUN_DIR/logs"
