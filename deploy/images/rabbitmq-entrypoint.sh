#!/bin/bash
# Writes rabbitmq.conf from the environment (as the official image does for these variables), then runs the broker.
set -euo pipefail
conf=/etc/rabbitmq/rabbitmq.conf
{
  echo "listeners.tcp.default = ${RABBITMQ_NODE_PORT:-5672}"
  echo "management.tcp.port = ${RABBITMQ_MANAGEMENT_PORT:-15672}"
  echo "loopback_users = none"
  echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
  echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
  echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
  echo "collect_statistics_interval = 1000"
} > "$conf"
exec rabbitmq-server
