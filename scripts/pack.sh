#!/usr/bin/env bash
# Packs what users reference or install, all at one version (VersionPrefix in Directory.Build.props; VERSION_SUFFIX=rc.1
# for a prerelease; with a build, not --no-build, so the assemblies carry it too), into artifacts/packages (emptied first):
#   Coordinator.Contracts          the message contracts
#   Coordinator.Hosting            broker connection, options, logging, tracing
#   Coordinator.AgentWorker.Sdk    the handler SDK (depends on the two above)
#   Coordinator.Cli                the .NET tool `coordinator-cli`
# A project on the SDK references the package from there (samples/FileChecksums has a nuget.config adding the folder);
# the CLI installs with `dotnet tool install --global --add-source artifacts/packages Coordinator.Cli`.
#
#   --no-build   pack what `dotnet build Coordinator.sln -c Release` made instead of building (the tests do this)
#
# The same version packed again has other contents, but NuGet would keep using its first copy in the global packages
# folder: so this version of these packages is removed from there, and the next restore takes the new one.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/packages
build=()
case "${1:-}" in
  --no-build) build=(--no-build) ;;
  "") ;;
  *) echo "usage: scripts/pack.sh [--no-build]" >&2; exit 2 ;;
esac
version_props=()
[ -z "${VERSION_SUFFIX:-}" ] || version_props=("-p:VersionSuffix=$VERSION_SUFFIX")

rm -rf "$out"
mkdir -p "$out"
for project in src/Contracts/Contracts.csproj src/Hosting/Hosting.csproj src/AgentWorker.Sdk/AgentWorker.Sdk.csproj src/Cli/Cli.csproj; do
  log=$(mktemp)
  if ! dotnet pack "$project" -c Release -o "$out" -nologo "${build[@]}" "${version_props[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "[pack] $project failed" >&2
    exit 1
  fi
  rm -f "$log"
done

version=$(dotnet msbuild src/Contracts/Contracts.csproj -nologo -getProperty:Version "${version_props[@]}" | tr -d '[:space:]')
global=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages:[[:space:]]*//')
for id in coordinator.contracts coordinator.hosting coordinator.agentworker.sdk coordinator.cli; do
  rm -rf "${global%/}/$id/$version"
done
echo "[pack] version $version in $out:"
ls -1 "$out"
