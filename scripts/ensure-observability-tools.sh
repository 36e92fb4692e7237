#!/usr/bin/env bash
# Installs what the observability tests drive, from the Debian packages, when missing: prometheus (with promtool), which
# the tests start themselves on 127.0.0.1, and chromium, which Playwright drives headless through its executable path.
# No service is started or enabled: Debian's package would start a Prometheus on :9090 where a service manager runs, and
# these machines have none. Idempotent; returns at once when both are there.
#   scripts/ensure-observability-tools.sh
set -euo pipefail

log() { printf '[observability] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  log "prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') and $(chromium --version 2>/dev/null | head -1) present"
  exit 0
fi

log "installing ${missing[*]} from the Debian packages"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101: the packages' maintainer scripts start no service.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod +x "$policy" && own_policy=1
fi
trap '[ "$own_policy" -eq 1 ] && as_root rm -f "$policy"' EXIT
if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v chromium >/dev/null \
  || { log "prometheus, promtool or chromium still missing after the install"; exit 1; }
log "installed: $(prometheus --version 2>&1 | head -1), $(chromium --version 2>/dev/null | head -1)"
