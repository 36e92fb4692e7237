#!/usr/bin/env bash
# Makes a broker user of the project's own on the local RabbitMQ node, so nothing here runs as guest/guest:
#   scripts/ensure-broker-user.sh NAME PASSWORD_FILE [VHOST]
# The user gets the administrator tag (the coordinator makes its agents' users and the error queues' policy) and every
# permission in VHOST (default /). Its password is made once, random, kept in PASSWORD_FILE (mode 600) and reused; the
# script prints it. Idempotent. Needs rabbitmqctl (this machine's node, as root).
set -euo pipefail

name=${1:?usage: ensure-broker-user.sh NAME PASSWORD_FILE [VHOST]}
file=${2:?usage: ensure-broker-user.sh NAME PASSWORD_FILE [VHOST]}
vhost=${3:-/}
log() { printf '[broker-user] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Hex: rabbitmqctl takes a password that starts with '-' for an option (one of base64url's did, and run.sh stopped at once),
# so a password kept from before that does is made anew too.
if [ ! -s "$file" ] || [ "$(head -c 1 "$file")" = "-" ]; then
  umask 077
  od -An -tx1 -N 24 /dev/urandom | tr -d ' \n' >"$file"
fi
password=$(cat "$file")

if as_root rabbitmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx "$name"; then
  as_root rabbitmqctl -q change_password "$name" "$password" >/dev/null
else
  as_root rabbitmqctl -q add_user "$name" "$password" >/dev/null
  log "made broker user $name (password in $file)"
fi
as_root rabbitmqctl -q set_user_tags "$name" administrator >/dev/null
as_root rabbitmqctl -q set_permissions -p "$vhost" "$name" '.*' '.*' '.*' >/dev/null
printf '%s\n' "$password"
