#!/usr/bin/env bash
# Builds every image of the system on this machine, with no image registry:
#   coordinator-local/base:bookworm       Debian 12 minbase and .NET's native needs, made here once with debootstrap and
#                                         `docker import` (cached)
#   coordinator-local/coordinator:latest  the coordinator, a self-contained .NET publish on the base
#   coordinator-local/agent:latest        the agent worker, likewise
#   coordinator-local/rabbitmq:latest     RabbitMQ with its management plugin, from Debian's package on the base
#   coordinator-local/postgres:latest     PostgreSQL 15, from Debian's package on the base
# Then `docker compose -f docker-compose.yml -f docker-compose.local.yml up -d` (or docker-compose) runs them.
# Users with a registry do not need this: plain `docker compose up --build` uses the official .NET, RabbitMQ and
# PostgreSQL images.
#
#   BASE_CACHE   where the base's root filesystem tarball is kept between runs (default ~/.cache/coordinator-images)
#   ONLY         build only these images besides the base, e.g. ONLY="coordinator agent"
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[images] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

PREFIX=coordinator-local
BASE="$PREFIX/base:bookworm"
BASE_CACHE=${BASE_CACHE:-$HOME/.cache/coordinator-images}
ONLY=${ONLY:-coordinator agent rabbitmq postgres}
wanted() { [[ " $ONLY " == *" $1 "* ]]; }

./scripts/ensure-docker.sh

# The Debian mirror apt already uses here (debootstrap and the images' own apt read from it): the first enabled source
# whose path ends in /debian (not -security, not a third party's).
mirror() {
  local files=() f uri
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  uri=$(grep -hE '^[[:space:]]*(deb[[:space:]]|URIs:)' "${files[@]}" 2>/dev/null \
    | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]')
  [ -n "$uri" ] || { log "no Debian mirror found in apt's sources"; exit 1; }
  printf '%s' "${uri%/}"
}

# What .NET needs beyond minbase (as the official runtime-deps image has it, without ICU: the images run with the
# invariant culture): TLS (libssl3, ca-certificates), time zones, and GSSAPI, which Npgsql's security layer loads.
BASE_PACKAGES=ca-certificates,libssl3,tzdata,libgssapi-krb5-2
BASE_KEY=$(printf 'bookworm minbase %s' "$BASE_PACKAGES" | sha256sum | cut -c1-12)

build_base() {
  if [ "$(docker image inspect -f '{{ index .Config.Labels "coordinator.base" }}' "$BASE" 2>/dev/null)" = "$BASE_KEY" ]; then
    log "$BASE present"
    return
  fi
  local tarball="$BASE_CACHE/bookworm-minbase-$BASE_KEY.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null 2>&1 || {
      log "installing debootstrap from the Debian package"
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq debootstrap >/dev/null 2>&1 \
        || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq debootstrap >/dev/null; }
    }
    local root
    root=$(mktemp -d /tmp/coordinator-base.XXXXXX)
    local source
    source=$(mirror)
    log "debootstrap bookworm minbase from $source (about 30 s)"
    as_root debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$root" "$source" >/tmp/coordinator-debootstrap.log 2>&1 \
      || { tail -n 20 /tmp/coordinator-debootstrap.log >&2; exit 1; }
    # Smaller: no apt lists, no docs, no man pages (apt-get update inside a build brings the lists back).
    as_root rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/* \
      "$root"/usr/share/locale/*
    mkdir -p "$BASE_CACHE"
    as_root tar -C "$root" -cf "$tarball.partial" .
    as_root mv "$tarball.partial" "$tarball"
    as_root rm -rf "$root"
  else
    log "root filesystem cached at $tarball"
  fi
  docker import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' --change "LABEL coordinator.base=$BASE_KEY" \
    "$tarball" "$BASE" >/dev/null
  log "$BASE imported ($(docker image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%.0f MB", $1/1000000}'))"
}

# A .NET host published self-contained for linux-x64 into .images/<name>/app, then the image from the local base.
build_dotnet() {
  local name=$1 project=$2
  local out=".images/$name/app"
  log "publishing $project (self-contained, linux-x64)"
  rm -rf ".images/$name"
  dotnet publish "$project" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=false \
    -p:DebugType=none -p:GenerateDocumentationFile=false -o "$out" -nologo -clp:ErrorsOnly >/dev/null
  log "building $PREFIX/$name:latest"
  local before
  before=$(docker image inspect -f '{{.Id}}' "$PREFIX/$name:latest" 2>/dev/null || true)
  docker build --network host -q -f "deploy/images/$name.Dockerfile" --build-arg "BASE=$BASE" -t "$PREFIX/$name:latest" ".images/$name" >/dev/null
  drop_replaced "$before" "$PREFIX/$name:latest"
}

# The image a rebuild replaced is left without a tag; it is removed (unless a container still uses it), so rebuilds do not
# pile up a few hundred MB each.
drop_replaced() {
  local before=$1 image=$2 now
  now=$(docker image inspect -f '{{.Id}}' "$image")
  if [ -n "$before" ] && [ "$before" != "$now" ] && [ -z "$(docker image inspect -f '{{join .RepoTags ","}}' "$before" 2>/dev/null)" ]; then
    docker image rm "$before" >/dev/null 2>&1 || true
  fi
}

build_debian() {
  local name=$1
  log "building $PREFIX/$name:latest from Debian's package"
  local before
  before=$(docker image inspect -f '{{.Id}}' "$PREFIX/$name:latest" 2>/dev/null || true)
  docker build --network host -q -f "deploy/images/$name.Dockerfile" --build-arg "BASE=$BASE" --build-arg "MIRROR=$(mirror)" \
    -t "$PREFIX/$name:latest" deploy/images >/dev/null
  drop_replaced "$before" "$PREFIX/$name:latest"
}

build_base # always: the others are built on it, and it is cached
wanted coordinator && build_dotnet coordinator src/Coordinator/Coordinator.csproj
wanted agent && build_dotnet agent src/AgentWorker/AgentWorker.csproj
wanted rabbitmq && build_debian rabbitmq
wanted postgres && build_debian postgres

docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep "^$PREFIX/" | sort >&2
