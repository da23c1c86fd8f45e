"""The values half of ``hardening: restricted``: everything the Flyte charts let values set, per chart.

What a chart hard-codes (container security contexts of flyte-core's propeller and cluster-resource sync,
resources of init containers, read-only root file systems with a writable ``/tmp``, service-account tokens of
pods that never call the API) is patched by the kit's Helm post-renderer, :mod:`.postrender`. Both halves
choose the same identities; the evidence for each choice (docs/hardening.md says it at length):

* **UID/GID 65534 for the Go services** (flyteadmin, datacatalog, flytescheduler, flytepropeller, the webhook,
  cluster-resource sync, the single binary). The images of flyteadmin, propeller, datacatalog and the scheduler
  (``images/Dockerfile.*``) end in ``adduser -S flyte`` / ``USER flyte``: a *named* user, which ``runAsNonRoot``
  cannot verify, so a numeric ``runAsUser`` is required. Their binaries are copied to ``/bin`` (mode 755, readable
  by everyone) and they write only to emptyDir volumes (``/srv/flyte``, ``/etc/scratch``, ``/var/run/flyte``),
  which any UID can write; upstream's own values already run them as UID 1001 with ``fsGroup: 65534``. The
  single-binary image (``images/Dockerfile``) sets no ``USER`` and so runs as root; flyte-binary's own values
  offer ``deployment.podSecurityContext`` with ``runAsUser/runAsGroup/fsGroup: 65534`` (disabled by default):
  the kit enables exactly that identity. 65534 is also >= 10000, so it cannot collide with a host account.
* **UID 1000 for flyteconsole**: its image is not among the reference Dockerfiles; 1000 is the UID upstream's
  values run it as, so the kit keeps it and adds only what Pod Security asks for.
* **No ``seLinuxOptions.type: spc_t``**: upstream's defaults ask for the "super privileged container" type,
  which Pod Security ``baseline`` forbids; the services need no SELinux privilege (they read Secrets and
  ConfigMaps and write emptyDirs), so the kit removes it (``null`` deletes a chart default in Helm).
* The OIDC client secret reaches FlyteAdmin as a file, not an environment variable: FlyteAdmin's
  ``auth.userAuth.openId.clientSecretFile`` (generated config reference) names a file to read it from; the kit
  mounts the person's Secret at ``/etc/flyte/oidc-client-secret`` (not inside the chart's read-only
  ``/etc/secrets/`` volume, where a nested mount point cannot be created).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import copy_values, deep_merge

if TYPE_CHECKING:
    from ..spec import DeploymentSpec

__all__ = [
    "FLYTE_UID",
    "CONSOLE_UID",
    "POSTRENDER_COMMAND",
    "POSTRENDER_MODULE",
    "hardening_values",
    "hardening_comments",
    "pod_security_context",
    "container_security_context",
    "values_key_for",
]

FLYTE_UID = 65534
CONSOLE_UID = 1000
CONSOLE_PORT = 8080
POSTRENDER_COMMAND = "flytekit-deploy-postrender"
"""The console script (pyproject ``[project.scripts]``) Helm runs with ``--post-renderer``."""
POSTRENDER_MODULE = "flytekit_deploy.charts.postrender"
RUNTIME_DEFAULT = {"type": "RuntimeDefault"}
OIDC_SECRET_ENV = "FLYTE_SECRET_oidc_client_secret"
OIDC_VOLUME = "oidc-client-secret"
OIDC_DIR = "/etc/flyte/oidc-client-secret"
FLYTEADMIN_CHART_RESOURCES: dict[str, Any] = {
    "limits": {"cpu": "250m", "ephemeral-storage": "100Mi", "memory": "500Mi"},
    "requests": {"cpu": "10m", "ephemeral-storage": "50Mi", "memory": "50Mi"},
}
"""flyte-core v1.16.8 ``values.yaml`` ``flyteadmin.resources``: what flyteadmin gets when the spec sets none."""
BINARY_RESOURCES: dict[str, Any] = {
    "requests": {"cpu": "250m", "memory": "800Mi"},
    "limits": {"cpu": "1900m", "memory": "2450Mi"},
}
"""flyte-binary's budget when the spec sets none: the sum of flyte-core v1.16.8's default resources of the services
the single binary runs (flyteadmin, flytescheduler, datacatalog, flytepropeller, flyteconsole, webhook; the
webhook sets requests only, counted as its limit too). The chart applies ``deployment.resources`` to the init
containers as well."""


def pod_security_context(uid: int = FLYTE_UID, fs_group: bool = True) -> dict[str, Any]:
    """A pod ``securityContext`` that passes Pod Security ``restricted`` on its own side."""
    context: dict[str, Any] = {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": uid}
    if fs_group:
        context["fsGroup"] = uid
    context["seccompProfile"] = dict(RUNTIME_DEFAULT)
    return context


def container_security_context(uid: int = FLYTE_UID) -> dict[str, Any]:
    """A container ``securityContext`` that passes ``restricted`` whatever the pod sets."""
    return {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "seccompProfile": dict(RUNTIME_DEFAULT),
    }


# flyte-core: component values key -> (pod securityContext of the chart's default Deployment name, UID)
_CORE_PODS: dict[str, tuple[str, int]] = {
    "flyteadmin": ("flyteadmin", FLYTE_UID),
    "datacatalog": ("datacatalog", FLYTE_UID),
    "flytescheduler": ("flytescheduler", FLYTE_UID),
    "flytepropeller": ("flytepropeller", FLYTE_UID),
    "webhook": ("flyte-pod-webhook", FLYTE_UID),
    "flyteconsole": ("flyteconsole", CONSOLE_UID),
}

# flyte-binary: container name -> values key of its securityContext
_BINARY_CONTAINERS = {
    "flyte": "deployment.securityContext",
    "wait-for-db": "deployment.waitForDB.securityContext",
    "gen-admin-auth-secret": "deployment.genAdminAuthSecret.securityContext",
}


def _enabled(values: dict[str, Any], key: str) -> bool:
    """A component the values keep (a disabled or absent one stays out of the values, as the emitters leave it)."""
    block = values.get(key)
    return isinstance(block, dict) and block.get("enabled", True) is not False


def _oidc_secret_as_file(values: dict[str, Any], fragment: dict[str, Any]) -> None:
    """FLYTE_SECRET_oidc_client_secret (an env var) becomes a file FlyteAdmin reads through
    ``auth.userAuth.openId.clientSecretFile``. Not under ``/etc/secrets/``: that is the chart's read-only Secret
    volume, and a file mount nested in a read-only volume cannot create its mount point."""
    admin = values.get("flyteadmin") or {}
    env = list(admin.get("env") or [])
    oidc = next((e for e in env if e.get("name") == OIDC_SECRET_ENV), None)
    if oidc is None:
        return
    ref = oidc["valueFrom"]["secretKeyRef"]
    block = fragment.setdefault("flyteadmin", {})
    block["env"] = [e for e in env if e is not oidc] or None
    block["additionalVolumes"] = [
        *(admin.get("additionalVolumes") or []),
        {"name": OIDC_VOLUME, "secret": {"secretName": ref["name"], "items": [{"key": ref["key"], "path": "value"}]}},
    ]
    block["additionalVolumeMounts"] = [
        *(admin.get("additionalVolumeMounts") or []),
        {"name": OIDC_VOLUME, "mountPath": OIDC_DIR, "readOnly": True},
    ]
    fragment["configmap"] = {
        "adminServer": {"auth": {"userAuth": {"openId": {"clientSecretFile": f"{OIDC_DIR}/value"}}}}
    }


def _flyte_core(values: dict[str, Any]) -> dict[str, Any]:
    fragment: dict[str, Any] = {}
    for key, (_, uid) in _CORE_PODS.items():
        if not _enabled(values, key):  # absent or disabled: the post-renderer covers what the chart renders
            continue
        context = pod_security_context(uid, fs_group=key != "flyteconsole")
        context["seLinuxOptions"] = None  # upstream's spc_t breaks Pod Security baseline
        fragment[key] = {"securityContext": context}
    console = values.get("flyteconsole") or {}
    if "flyteconsole" in fragment and not (console.get("livenessProbe") or console.get("readinessProbe")):
        # the console serves on 8080, the only port its Deployment always declares (values key: flyteconsole.*Probe)
        fragment["flyteconsole"]["livenessProbe"] = {
            "tcpSocket": {"port": CONSOLE_PORT},
            "initialDelaySeconds": 10,
            "periodSeconds": 10,
            "failureThreshold": 6,
        }
        fragment["flyteconsole"]["readinessProbe"] = {"tcpSocket": {"port": CONSOLE_PORT}, "periodSeconds": 5}
    _oidc_secret_as_file(values, fragment)
    admin_resources = (values.get("flyteadmin") or {}).get("resources") or FLYTEADMIN_CHART_RESOURCES
    if _enabled(values, "cluster_resource_manager") and not (values.get("cluster_resource_manager") or {}).get(
        "resources"
    ):
        # the sync Deployment runs the flyteadmin image's clusterresource controller: size it like flyteadmin
        fragment["cluster_resource_manager"] = {"resources": copy_values(admin_resources)}
    return fragment


def _flyte_binary(spec: DeploymentSpec, values: dict[str, Any]) -> dict[str, Any]:
    container = container_security_context()
    image = (values.get("deployment") or {}).get("image") or {}
    return {
        "deployment": {
            # the source chart says tag "latest" (the release stamps the version): pin the release's image
            "image": {"tag": image.get("tag") or spec.chart_version},
            "resources": (values.get("deployment") or {}).get("resources") or copy_values(BINARY_RESOURCES),
            "podSecurityContext": {"enabled": True, **pod_security_context()},
            "securityContext": container,
            "waitForDB": {"securityContext": copy_values(container)},
            "genAdminAuthSecret": {"securityContext": copy_values(container)},
        }
    }


def hardening_values(spec: DeploymentSpec, chart: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the chart's hardening merged in when ``spec.hardening_level`` is restricted (else as is).

    Called by each emitter before the person's overrides, so an override still wins."""
    from ..spec import Hardening

    if spec.hardening_level is not Hardening.RESTRICTED:
        return values
    if chart == "flyte-core":
        return deep_merge(values, _flyte_core(values), keep_null=True)
    if chart == "flyte-binary":
        return deep_merge(values, _flyte_binary(spec, values), keep_null=True)
    return values


def hardening_comments(spec: DeploymentSpec, chart: str) -> dict[str, str]:
    """Comments above the blocks :func:`hardening_values` sets."""
    from ..spec import Hardening

    if spec.hardening_level is not Hardening.RESTRICTED:
        return {}
    why = f"hardening: restricted (Pod Security 'restricted'; install with --post-renderer {POSTRENDER_COMMAND})"
    if chart == "flyte-binary":
        return {"deployment.podSecurityContext": why}
    if chart == "flyte-core":
        return {f"{key}.securityContext": why for key in _CORE_PODS}
    return {}


def values_key_for(chart: str, workload: str, container: str, field: str) -> str:
    """The values key that sets ``field`` of ``container`` (empty: the pod) in ``workload``, or ``""`` when the
    chart hard-codes it (then only the post-renderer can change it)."""
    if not field.startswith("securityContext"):
        return ""
    if chart == "flyte-binary":
        if not container:
            return "deployment.podSecurityContext"
        return _BINARY_CONTAINERS.get(container, "")
    if chart == "flyte-core":
        pod_level = {"runAsNonRoot", "runAsUser", "seccompProfile", "seLinuxOptions", "sysctls"}
        attribute = field.split(".")[1] if "." in field else ""
        for key, (deployment, _) in _CORE_PODS.items():
            if deployment == workload and (not container or attribute in pod_level):
                return f"{key}.securityContext.{attribute}" if attribute else f"{key}.securityContext"
    return ""
