"""The kit's Helm post-renderer: what the Flyte charts hard-code, hardened for Pod Security ``restricted``.

Helm runs it as ``helm upgrade --install ... --post-renderer flytekit-deploy-postrender``: the rendered manifests
arrive on stdin, the patched manifests leave on stdout (``python -m flytekit_deploy.charts.postrender`` works
too). It only *adds* what is missing, never overrides a value a chart or the person set, except two things Pod
Security forbids outright (``allowPrivilegeEscalation`` other than false is set to false; an SELinux type outside
``container_t``/``container_init_t``/``container_kvm_t`` is removed). Per pod, for every workload kind:

* pod ``securityContext``: ``runAsNonRoot``, numeric ``runAsUser``/``runAsGroup``/``fsGroup`` (65534, see
  :mod:`.hardening` for the evidence), ``seccompProfile: RuntimeDefault``;
* every container (init containers too): ``allowPrivilegeEscalation: false``, ``capabilities.drop: [ALL]`` (only
  ``NET_BIND_SERVICE`` may stay added), ``runAsNonRoot``, ``readOnlyRootFilesystem: true`` together with an
  emptyDir mounted at ``/tmp`` when nothing is mounted there (flyte-binary's ``gen-admin-auth-secret`` writes
  ``/tmp/admin-auth-secret``);
* an init container without resources gets the resources of the pod's first container (it runs the same
  image's binary: migrations, secret generation; the pod's effective request is the maximum, so scheduling does
  not change);
* a long-running container without liveness/readiness probes that declares a port gets TCP probes on the port
  the chart tells Prometheus to scrape (``prometheus.io/port``: the flytestdlib profiler every Flyte Go service
  starts first), else on its first declared port; nothing is guessed for a container that declares no port;
* ``automountServiceAccountToken: false`` only where the pod's ServiceAccount is created by this release and no
  RoleBinding/ClusterRoleBinding of the release names it, or the pod uses the ``default`` account. Pods whose
  account is bound (flyteadmin and cluster-resource sync, propeller, the webhook, the single binary: they call
  the API) and pods whose account comes from outside the release keep their token.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from .hardening import FLYTE_UID, RUNTIME_DEFAULT

__all__ = ["harden_objects", "harden_stream", "main"]

ALLOWED_SELINUX = {"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}
TMP_VOLUME = "fkd-tmp"


def _pod_annotations(obj: dict[str, Any]) -> Mapping[str, Any]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        return (obj.get("metadata") or {}).get("annotations") or {}
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("metadata") or {}).get("annotations") or {}


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    kind = obj.get("kind")
    if kind not in WORKLOADS:
        return None
    spec: dict[str, Any] = obj.setdefault("spec", {})
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
    pod: dict[str, Any] = spec.setdefault("template", {}).setdefault("spec", {})
    return pod


def _bound_accounts(objects: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str]]:
    """(ServiceAccounts created by the release, ServiceAccounts some binding of the release names)."""
    created: set[str] = set()
    bound: set[str] = set()
    for obj in objects:
        kind = obj.get("kind")
        if kind == "ServiceAccount":
            created.add(str((obj.get("metadata") or {}).get("name", "")))
        elif kind in ("RoleBinding", "ClusterRoleBinding"):
            for subject in obj.get("subjects") or []:
                if subject.get("kind") == "ServiceAccount":
                    bound.add(str(subject.get("name", "")))
    return created, bound


def _harden_selinux(context: dict[str, Any]) -> None:
    options = context.get("seLinuxOptions")
    if isinstance(options, dict) and options.get("type") and options["type"] not in ALLOWED_SELINUX:
        options.pop("type")
        if not options:
            context.pop("seLinuxOptions")


def _probe_port(container: Mapping[str, Any], annotations: Mapping[str, Any]) -> int | None:
    ports = [p.get("containerPort") for p in container.get("ports") or [] if p.get("containerPort")]
    scraped = str(annotations.get("prometheus.io/port", ""))
    if scraped.isdigit() and int(scraped) in ports:
        return int(scraped)
    return int(ports[0]) if ports else None


def _add_probes(container: dict[str, Any], annotations: Mapping[str, Any]) -> None:
    port = _probe_port(container, annotations)
    if port is None:
        return
    container.setdefault(
        "livenessProbe",
        {"tcpSocket": {"port": port}, "initialDelaySeconds": 30, "periodSeconds": 10, "failureThreshold": 6},
    )
    container.setdefault("readinessProbe", {"tcpSocket": {"port": port}, "periodSeconds": 5})


def _harden_pod(pod: dict[str, Any], annotations: Mapping[str, Any], long_running: bool) -> None:
    context = pod.get("securityContext") or {}
    pod["securityContext"] = context
    context.setdefault("runAsNonRoot", True)
    if not context.get("runAsUser"):
        context["runAsUser"] = FLYTE_UID
    context.setdefault("runAsGroup", context["runAsUser"])
    context.setdefault("fsGroup", context["runAsGroup"])
    context.setdefault("seccompProfile", dict(RUNTIME_DEFAULT))
    _harden_selinux(context)
    main = (pod.get("containers") or [{}])[0]
    for key in ("initContainers", "containers"):
        for container in pod.get(key) or []:
            _harden_container(pod, container)
            if key == "containers" and long_running:
                _add_probes(container, annotations)
            if key == "initContainers" and not container.get("resources") and main.get("resources"):
                container["resources"] = yaml.safe_load(yaml.safe_dump(main["resources"]))


def _harden_container(pod: dict[str, Any], container: dict[str, Any]) -> None:
    context = container.get("securityContext") or {}
    container["securityContext"] = context
    context["allowPrivilegeEscalation"] = False
    capabilities = context.setdefault("capabilities", {})
    drop = list(capabilities.get("drop") or [])
    if "ALL" not in drop:
        capabilities["drop"] = [*drop, "ALL"] if drop else ["ALL"]
    if capabilities.get("add"):
        kept = [c for c in capabilities["add"] if c == "NET_BIND_SERVICE"]
        if kept:
            capabilities["add"] = kept
        else:
            capabilities.pop("add")
    if context.get("runAsNonRoot") is None:
        context["runAsNonRoot"] = True
    if context.get("runAsUser") == 0:
        context.pop("runAsUser")
    if (context.get("seccompProfile") or {}).get("type") == "Unconfined":
        context["seccompProfile"] = dict(RUNTIME_DEFAULT)
    _harden_selinux(context)
    if "readOnlyRootFilesystem" not in context:
        context["readOnlyRootFilesystem"] = True
        mounts = container.setdefault("volumeMounts", [])
        if not any(str(m.get("mountPath", "")).rstrip("/") == "/tmp" for m in mounts):
            mounts.append({"name": TMP_VOLUME, "mountPath": "/tmp"})
            volumes = pod.setdefault("volumes", [])
            if not any(v.get("name") == TMP_VOLUME for v in volumes):
                volumes.append({"name": TMP_VOLUME, "emptyDir": {}})


def harden_objects(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The release's objects with every pod hardened (in place, returned for convenience)."""
    created, bound = _bound_accounts(objects)
    for obj in objects:
        pod = _pod_spec(obj) if isinstance(obj, dict) else None
        if pod is None:
            continue
        _harden_pod(pod, _pod_annotations(obj), obj.get("kind") in LONG_RUNNING)
        account = str(pod.get("serviceAccountName") or "default")
        if "automountServiceAccountToken" not in pod and (
            account == "default" or (account in created and account not in bound)
        ):
            pod["automountServiceAccountToken"] = False
    return objects


def harden_stream(text: str) -> str:
    """Multi-document YAML in, hardened multi-document YAML out (empty documents dropped)."""
    objects = [doc for doc in yaml.safe_load_all(text) if doc]
    hardened = harden_objects(objects)
    return yaml.safe_dump_all(hardened, sort_keys=False, default_flow_style=False)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: stdin -> stdout, as Helm's ``--post-renderer`` contract asks. Bad YAML exits 2."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    try:
        sys.stdout.write(harden_stream(sys.stdin.read()))
    except yaml.YAMLError as exc:
        print(f"flytekit-deploy-postrender: the manifests on stdin are not YAML: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
