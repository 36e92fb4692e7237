#!/usr/bin/env bash
# Validates docker-compose.yml (or the file given as $1, relative to the repository root)
# without a Docker engine: parses and resolves it with `docker compose config` (the v2 CLI
# plugin) when that is present, else with the v1 `docker-compose` client, installing the
# Debian package when neither is there.
# Also checks that every service's Dockerfile exists. Exits non-zero with the error on failure.
set -euo pipefail

log() { printf '[compose] %s\n' "$*" >&2; }

cd "$(dirname "$0")/.."
file="${1:-docker-compose.yml}"
if [ ! -f "$file" ]; then
  log "no such file: $file"
  exit 1
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

compose=()
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  log "installing docker-compose from the Debian package"
  export DEBIAN_FRONTEND=noninteractive
  # No recommends: they would pull in the docker.io engine, which validation does not need.
  # Refresh the package lists only when the install cannot be done from the ones present.
  if ! as_root apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  fi
  compose=(docker-compose)
fi

# `config` needs no engine; it parses, interpolates and checks the file against the schema.
# Placeholders for the values the file demands from the environment (an API key's hash, the broker's and the database's
# passwords), unless given.
export COORDINATOR_API_KEY_HASH="${COORDINATOR_API_KEY_HASH:-sha256:$(printf '0%.0s' $(seq 1 64))}"
export COORDINATOR_BROKER_PASSWORD="${COORDINATOR_BROKER_PASSWORD:-placeholder}"
export COORDINATOR_DB_PASSWORD="${COORDINATOR_DB_PASSWORD:-placeholder}"
export COORDINATOR_AGENT_TOKEN="${COORDINATOR_AGENT_TOKEN:-placeholder}"
export COORDINATOR_AGENT_TOKEN_HASH="${COORDINATOR_AGENT_TOKEN_HASH:-sha256:$(printf '0%.0s' $(seq 1 64))}"
if ! resolved="$("${compose[@]}" -f "$file" config 2>&1)"; then
  printf '%s\n' "$resolved" >&2
  log "$file is INVALID (${compose[*]})"
  exit 1
fi

# Every build must name a Dockerfile that exists (config prints an absolute context and the
# dockerfile relative to it).
missing=0
while IFS=$'\t' read -r context dockerfile; do
  [ -n "$dockerfile" ] || dockerfile=Dockerfile
  case "$dockerfile" in /*) path="$dockerfile" ;; *) path="$context/$dockerfile" ;; esac
  if [ ! -f "$path" ]; then
    log "missing Dockerfile: $path"
    missing=1
  fi
done < <(printf '%s\n' "$resolved" | awk '
  /^[[:space:]]+build:/            { inbuild = 1; ctx = ""; df = ""; ind = match($0, /[^ ]/); next }
  inbuild && match($0, /[^ ]/) <= ind { if (ctx != "") print ctx "\t" df; inbuild = 0 }
  inbuild && /^[[:space:]]+context:/    { sub(/^[[:space:]]+context:[[:space:]]*/, ""); ctx = $0 }
  inbuild && /^[[:space:]]+dockerfile:/ { sub(/^[[:space:]]+dockerfile:[[:space:]]*/, ""); df = $0 }
  END                                { if (inbuild && ctx != "") print ctx "\t" df }')
if [ "$missing" -ne 0 ]; then
  log "$file is INVALID: a build names a Dockerfile that does not exist"
  exit 1
fi

log "$file is valid (${compose[*]} config)"
