#!/usr/bin/env python3
"""Checks the deployment files offline, without Docker or a Kubernetes cluster.

    python3 deploy/check-deploy.py

Parses deploy/compose.yaml and every manifest in deploy/k8s/ (PyYAML), and checks what the
README's Deploying section promises of them: three cluster nodes with distinct member ids and
ports, health-gated start order, a drain-long stop grace period, the probes on the real health
paths, the Dockerfile's runtime contract, and that compose uses no variable .env.example lacks
(and that .env.example ships no secret). When `check-jsonschema` and `kubernetes-validate` are
installed it also validates the compose file against the Compose specification and the
manifests against Kubernetes' schemas (`kubectl kustomize` first, when kubectl is there).

That every BOTWOT__ variable names a real setting is checked by the Rust unit tests in
src/config/deploy_files.rs (`cargo test -p botwot --bin botwot config`), which load them through
the engine's own configuration code.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("PyYAML is missing: python3 -m pip install pyyaml")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
K8S = os.path.join(DEPLOY, "k8s")
results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    if not ok:
        print(f"FAIL {what}")


def read(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()


def seconds(duration):
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(duration))
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0) if match else 0


def check_compose():
    text = read(DEPLOY, "compose.yaml")
    compose = yaml.safe_load(text)
    services = compose["services"]
    nodes = {name: s for name, s in services.items() if name.startswith("botwot-")}
    check(len(nodes) == 3, f"compose: three botwot nodes, found {sorted(nodes)}")
    ids, adverts, ports = set(), set(), set()
    for name, node in nodes.items():
        env = node.get("environment", {})
        ids.add(env.get("BOTWOT__CLUSTER__NODE_ID"))
        adverts.add(env.get("BOTWOT__CLUSTER__ADVERTISE_ADDRESS"))
        ports.update(p.split(":")[0] for p in node.get("ports", []))
        check(node.get("command") == ["serve", "--cluster"], f"{name}: runs serve --cluster")
        check(node.get("build", {}).get("dockerfile") == "deploy/Dockerfile", f"{name}: built from deploy/Dockerfile")
        check(seconds(node.get("stop_grace_period")) >= 30, f"{name}: stop_grace_period of at least 30s")
        check(env.get("BOTWOT__STORAGE__BACKEND") == "mongo", f"{name}: MongoDB storage")
        check(env.get("BOTWOT__KNOWLEDGE__BLOBS__KIND") == "s3", f"{name}: S3 blobs")
        depends = node.get("depends_on", {})
        for service in ("mongo", "redis", "rabbitmq"):
            check(depends.get(service, {}).get("condition") == "service_healthy", f"{name}: waits for {service} to be healthy")
            check("healthcheck" in services.get(service, {}), f"{service}: has a health check")
        check(depends.get("create-bucket", {}).get("condition") == "service_completed_successfully", f"{name}: waits for the bucket")
    check(len(ids) == 3 and None not in ids, f"compose: distinct node ids {ids}")
    check(len(adverts) == 3 and None not in adverts, f"compose: distinct advertise addresses {adverts}")
    check(ports == {"8081", "8082", "8083"}, f"compose: host ports 8081..8083, found {sorted(ports)}")
    check("healthcheck" in services.get("minio", {}), "minio: has a health check")

    example = read(DEPLOY, ".env.example")
    defined = dict(re.findall(r"^([A-Z0-9_]+)=(.*)$", example, re.M))
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    check(used <= set(defined), f"compose uses variables .env.example lacks: {sorted(used - set(defined))}")
    shipped = [k for k, v in defined.items() if re.search(r"SECRET|PASSWORD|KEY", k) and v]
    check(not shipped, f".env.example ships secret values: {shipped}")


def k8s_documents():
    documents = []
    for name in sorted(os.listdir(K8S)):
        if name.endswith(".yaml"):
            documents += [(name, d) for d in yaml.safe_load_all(read(K8S, name)) if d]
    return documents


def check_k8s():
    documents = k8s_documents()
    by_kind = {}
    for name, doc in documents:
        by_kind.setdefault(doc["kind"], []).append((name, doc))
    kustomization = dict(by_kind.pop("Kustomization"))["kustomization.yaml"]
    for resource in kustomization["resources"]:
        check(os.path.exists(os.path.join(K8S, resource)), f"kustomization: {resource} exists")
    check("secret.example.yaml" not in kustomization["resources"], "kustomization: leaves the secret example out")

    (_, sts), = by_kind["StatefulSet"]
    pod = sts["spec"]["template"]["spec"]
    labels = sts["spec"]["template"]["metadata"]["labels"]
    (container,) = pod["containers"]
    check(sts["spec"]["replicas"] == 3, "statefulset: 3 replicas")
    check(pod.get("terminationGracePeriodSeconds") == 45, "statefulset: terminationGracePeriodSeconds 45")
    check("sleep" in str(container.get("lifecycle", {}).get("preStop")), "statefulset: preStop sleeps")
    check(container["readinessProbe"]["httpGet"]["path"] == "/readyz", "statefulset: readiness on /readyz")
    check(container["livenessProbe"]["httpGet"]["path"] == "/healthz", "statefulset: liveness on /healthz")
    check(container.get("args") == ["serve", "--cluster"], "statefulset: runs serve --cluster")
    resources = container.get("resources", {})
    check({"cpu", "memory"} <= set(resources.get("requests", {})) and "memory" in resources.get("limits", {}), "statefulset: requests and limits")
    env = {e["name"]: e for e in container["env"]}
    pod_name = env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    check(pod_name == "metadata.name", "statefulset: POD_NAME from the downward API")
    check(env.get("BOTWOT__CLUSTER__NODE_ID", {}).get("value") == "$(POD_NAME)", "statefulset: node id is the pod name")
    check(pod.get("securityContext", {}).get("runAsNonRoot") is True, "statefulset: runs as non-root")
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    config_path = env.get("BOTWOT_CONFIG", {}).get("value", "")
    check(config_path == mounts.get("config", "?") + "/botwot.toml", "statefulset: BOTWOT_CONFIG is the mounted botwot.toml")

    services = {doc["metadata"]["name"]: doc for _, doc in by_kind["Service"]}
    headless = services.get(sts["spec"]["serviceName"], {})
    check(headless.get("spec", {}).get("clusterIP") == "None", "statefulset: serviceName is a headless Service")
    check(any(s["spec"].get("type", "ClusterIP") == "ClusterIP" and s["spec"].get("clusterIP") != "None" for s in services.values()), "a ClusterIP Service")
    for service in services.values():
        check(service["spec"]["selector"].items() <= labels.items(), f"service {service['metadata']['name']}: selects the pods")
    (_, pdb), = by_kind["PodDisruptionBudget"]
    check(pdb["spec"].get("maxUnavailable") == 1, "pdb: maxUnavailable 1")
    check(pdb["spec"]["selector"]["matchLabels"].items() <= labels.items(), "pdb: selects the pods")
    (_, configmap), = by_kind["ConfigMap"]
    check("botwot.toml" in configmap["data"], "configmap: holds botwot.toml")


def check_dockerfile():
    text = read(DEPLOY, "Dockerfile")
    for needle in ("--locked", "type=cache", "EXPOSE 8080", 'ENTRYPOINT ["botwot"]', 'CMD ["serve"]', 'VOLUME ["/data"]', "USER 10001"):
        check(needle in text, f"Dockerfile: {needle}")
    check(re.search(r"HEALTHCHECK[^\n]*\n[^\n]*/healthz", text) is not None, "Dockerfile: HEALTHCHECK on /healthz")
    health = read(ROOT, "http", "src", "routes", "health.rs")
    for path in ("/healthz", "/readyz"):
        check(f'path = "{path}"' in health, f"the server serves {path}")
    ignored = read(ROOT, ".dockerignore")
    for entry in ("target/", "data/", "node_modules/", "fuzz/target/", ".git/", "deploy/.env"):
        check(entry in ignored, f".dockerignore: {entry}")


def validate_with_schemas():
    if shutil.which("check-jsonschema"):
        run = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.compose-spec", os.path.join(DEPLOY, "compose.yaml")], capture_output=True, text=True)
        check(run.returncode == 0, f"compose.yaml against the Compose specification: {run.stdout}{run.stderr}")
    else:
        print("skip: check-jsonschema is not installed (the Compose specification check)")
    if not shutil.which("kubernetes-validate"):
        print("skip: kubernetes-validate is not installed (the Kubernetes schema check)")
        return
    files = [os.path.join(K8S, "secret.example.yaml")]
    with tempfile.TemporaryDirectory() as tmp:
        if shutil.which("kubectl"):
            built = os.path.join(tmp, "built.yaml")
            with open(built, "w", encoding="utf-8") as out:
                run = subprocess.run(["kubectl", "kustomize", K8S], stdout=out, stderr=subprocess.PIPE, text=True)
            check(run.returncode == 0, f"kubectl kustomize deploy/k8s: {run.stderr}")
            files.append(built)
        else:
            files += [os.path.join(K8S, n) for n in sorted(os.listdir(K8S)) if n.endswith(".yaml") and n != "kustomization.yaml"]
        run = subprocess.run(["kubernetes-validate", "--strict", *files], capture_output=True, text=True)
        check(run.returncode == 0, f"manifests against Kubernetes' schemas: {run.stdout}{run.stderr}")


if __name__ == "__main__":
    check_compose()
    check_k8s()
    check_dockerfile()
    validate_with_schemas()
    print(f"deploy files: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)
