#!/usr/bin/env bash
# Makes a local Docker engine answer: installs Debian's docker.io (and docker-compose, the v1 client, when no compose
# plugin is there) if missing, and starts dockerd when it is not running (these machines have no systemd). Idempotent,
# and returns at once when the engine already answers.
#   scripts/ensure-docker.sh        the engine is up (exit 0), or says why not (exit 1)
# The daemon uses overlay2; its log is /var/log/dockerd.log.
set -euo pipefail

log() { printf '[docker] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

engine_up() { docker info >/dev/null 2>&1; }

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when the install cannot be done from the ones present.
  if ! as_root apt-get install -y -qq "$@" >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "$@" >/dev/null
  fi
}

if engine_up; then
  log "engine already up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io from the Debian package"
  install_packages docker.io
fi
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  log "installing docker-compose from the Debian package"
  install_packages docker-compose
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd"
  as_root mkdir -p /etc/docker
  if [ ! -f /etc/docker/daemon.json ]; then
    # overlay2, and no registry mirrors or remote logging: images are built here.
    echo '{ "storage-driver": "overlay2", "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "2" } }' \
      | as_root tee /etc/docker/daemon.json >/dev/null
  fi
  # A machine that stopped without stopping dockerd keeps its pid file, and dockerd refuses to start while it is
  # there. No dockerd runs (checked above), so the files are stale: remove them, saying so.
  for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile" 2>/dev/null || true)
      # A pid that a later process took over counts as stale too: only dockerd or containerd keeps it fresh.
      comm=$(cat "/proc/${pid:-0}/comm" 2>/dev/null || true)
      if [ "$comm" != dockerd ] && [ "$comm" != containerd ]; then
        log "removing stale $pidfile (pid ${pid:-none} is not dockerd or containerd)"
        as_root rm -f "$pidfile"
      fi
    fi
  done
  # containerd comes with docker.io; dockerd starts its own when none is running.
  as_root sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
fi

# Bounded wait: 120 tries of 0.5 s.
for _ in $(seq 1 120); do
  if engine_up; then
    log "engine up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 0.5
done
log "the engine did not answer within 60 s; see /var/log/dockerd.log:"
tail -n 20 /var/log/dockerd.log >&2 || true
exit 1
