#!/usr/bin/env bash
# Checks deploy/kubernetes without a cluster: every file the kustomization names parses as Kubernetes objects (apiVersion,
# kind, metadata.name), Deployments select their own pods, the Service reaches the coordinator's pods, the coordinator's
# service account is bound to a Role, and the images are the ones the kustomization sets. A structural check; the objects' schema (strict, against KubernetesClient's models of the API) and
# the permissions the Kubernetes provisioner needs are checked by the unit tests (Kubernetes_manifests).
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
python3 -c 'import yaml' 2>/dev/null || {
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-yaml >/dev/null 2>&1 \
    || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-yaml >/dev/null; }
}
exec python3 - deploy/kubernetes <<'PY'
import os, sys, yaml
root = sys.argv[1]
errors = []
def fail(message): errors.append(message)
kustomization = yaml.safe_load(open(os.path.join(root, "kustomization.yaml")))
docs = []
for resource in kustomization.get("resources", []):
    path = os.path.join(root, resource)
    if not os.path.isfile(path):
        fail(f"kustomization names {resource}, which does not exist"); continue
    for doc in yaml.safe_load_all(open(path)):
        if doc is None: continue
        for key in ("apiVersion", "kind"):
            if not doc.get(key): fail(f"{resource}: an object without {key}")
        if not (doc.get("metadata") or {}).get("name"): fail(f"{resource}: a {doc.get('kind')} without metadata.name")
        docs.append((resource, doc))
by_kind = {}
for resource, doc in docs: by_kind.setdefault(doc["kind"], []).append(doc)
deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
for name in ("coordinator", "coordinator-agent"):
    if name not in deployments: fail(f"no Deployment {name}")
for name, d in deployments.items():
    spec = d["spec"]; labels = spec["template"]["metadata"].get("labels", {})
    for k, v in spec["selector"]["matchLabels"].items():
        if labels.get(k) != v: fail(f"Deployment {name}: selector {k}={v} does not match its pod template")
    for c in spec["template"]["spec"]["containers"]:
        if not c.get("image") or not c.get("name"): fail(f"Deployment {name}: a container without name or image")
images = {i["name"] for i in kustomization.get("images", [])}
for name, d in deployments.items():
    for c in d["spec"]["template"]["spec"]["containers"]:
        if c["image"].split(":")[0] not in images: fail(f"Deployment {name}: image {c['image']} is not set by the kustomization")
for s in by_kind.get("Service", []):
    selector = s["spec"]["selector"]
    if not any(all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items()) for d in deployments.values()):
        fail(f"Service {s['metadata']['name']} selects no pods")
coordinator_sa = deployments.get("coordinator", {}).get("spec", {}).get("template", {}).get("spec", {}).get("serviceAccountName")
if not any(any(s.get("name") == coordinator_sa for s in b.get("subjects", [])) for b in by_kind.get("RoleBinding", [])):
    fail(f"no RoleBinding for the coordinator's service account ({coordinator_sa})")
for e in errors: print(f"[kubernetes] {e}", file=sys.stderr)
if errors: sys.exit(1)
print(f"[kubernetes] deploy/kubernetes is valid: {len(docs)} objects ({', '.join(sorted(f'{len(v)} {k}' for k, v in by_kind.items()))})", file=sys.stderr)
PY
