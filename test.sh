#!/usr/bin/env bash
# The whole suite against the real broker and real databases: unit tests (in-memory harness) and
# integration tests (RabbitMQ, SQLite, PostgreSQL, real coordinator and agent processes, containers on a local Docker
# engine from images built here, a real Prometheus, and the dashboard in Debian's chromium).
# Brings up what it needs through the project's own scripts. Used by README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n== %s\n' "$*"; }

step "broker and database"
./scripts/ensure-rabbitmq.sh
./scripts/ensure-postgres.sh

step "prometheus and chromium (the observability tests drive them)"
./scripts/ensure-observability-tools.sh

step "docker-compose.yml and deploy/kubernetes"
./scripts/validate-compose.sh
./scripts/validate-kubernetes.sh

step "container images (a local Docker engine; no registry)"
./scripts/ensure-docker.sh
./scripts/build-images.sh

step "build (warnings are errors)"
dotnet build Coordinator.sln -c Release -nologo -clp:ErrorsOnly

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
for project in tests/Coordinator.UnitTests tests/Coordinator.CliTests tests/Coordinator.IntegrationTests; do
  step "$project"
  name=$(basename "$project")
  # Bounded: a hung suite fails the run instead of eating CI's time (the integration suite takes about 15 minutes).
  set +e
  timeout 1800 dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 5m 2>&1 | tee "$results/$name.log"
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=1
done

# One plain closing line over both suites.
passed=0; failed=0; skipped=0
for log in "$results"/*.log; do
  line=$(grep -E '^(Passed|Failed)!' "$log" | tail -n1 || true)
  p=$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: +([0-9]+).*/\1/p' <<<"$line")
  s=$(sed -nE 's/.*Skipped: +([0-9]+).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done
[ "$passed" -gt 0 ] || status=1
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
