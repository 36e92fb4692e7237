#!/usr/bin/env bash
# Makes a local RabbitMQ broker reachable on 127.0.0.1:5672 (AMQP) and :15672 (management).
# Idempotent: returns at once when the broker already answers. Otherwise installs the
# Debian package if missing, enables the management plugin, and starts the broker detached.
set -euo pipefail

log() { printf '[rabbitmq] %s\n' "$*" >&2; }

amqp_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
mgmt_up() { curl -fsS -u guest:guest -o /dev/null --max-time 2 http://127.0.0.1:15672/api/overview 2>/dev/null; }

conf=/etc/rabbitmq/rabbitmq.conf
# Queue statistics (consumer counts) refreshed every second: recovery decides from them whether a failed
# agent's queue still has a live (paused) consumer.
stats_ok() { grep -q '^collect_statistics_interval = 1000' "$conf" 2>/dev/null; }
# The largest message the broker takes: 16 MiB (RabbitMQ's own default is 128 MiB). A larger publish is refused by the
# broker itself (the channel is closed with PRECONDITION_FAILED), so no consumer here ever holds one in memory. Tasks'
# payloads and results are far smaller (Coordinator:MaxPayloadBytes, Agent:MaxResultBytes: 256 KiB).
size_ok() { grep -q '^max_message_size = ' "$conf" 2>/dev/null; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# A plain AMQP client (amqp-publish, amqp-consume) for publishing tasks from outside .NET: run.sh shows it, a test uses it.
if ! command -v amqp-publish >/dev/null 2>&1; then
  log "installing amqp-tools from the Debian package"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq amqp-tools >/dev/null 2>&1 \
    || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq amqp-tools >/dev/null; }
fi

if amqp_up && mgmt_up && stats_ok && size_ok; then
  log "broker already up"
  exit 0
fi

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  log "installing rabbitmq-server from the Debian package"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # policy-rc.d keeps the package's own service start out of the way; we start it below.
  as_root apt-get install -y -qq rabbitmq-server curl >/dev/null
fi

# Loopback only: nothing we start listens beyond this machine.
if ! grep -q '^management.tcp.ip' "$conf" 2>/dev/null; then
  as_root mkdir -p /etc/rabbitmq
  as_root tee -a "$conf" >/dev/null <<'CONF'
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672
loopback_users = none
CONF
fi

if ! stats_ok || ! size_ok; then
  stats_ok || echo 'collect_statistics_interval = 1000' | as_root tee -a "$conf" >/dev/null
  size_ok || echo 'max_message_size = 16777216' | as_root tee -a "$conf" >/dev/null
  if as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    log "restarting broker to apply $conf"
    as_root rabbitmqctl stop >/dev/null 2>&1 || true
  fi
fi

as_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null

if ! as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  log "starting broker"
  as_root rabbitmq-server -detached >/dev/null 2>&1 || true
fi

# Bounded wait: 120 tries of 0.5 s.
for _ in $(seq 1 120); do
  if amqp_up && mgmt_up; then log "broker up"; exit 0; fi
  sleep 0.5
done
log "broker did not come up within 60 s; see /var/log/rabbitmq/"
exit 1
