"""Multi-cluster on flyte-core: the control-plane and data-plane profiles (upstream's values-controlplane.yaml and
values-dataplane.yaml, layered after the environment's values) and the ``cluster-credentials`` Secret that lets
FlyteAdmin reach each data plane's Kubernetes API."""

from __future__ import annotations

from typing import Any

from ...clouds import cloud_of
from ...spec import DataPlane, DeploymentSpec, TlsMode
from ..base import SecretSpec

__all__ = [
    "CREDENTIALS_SECRET",
    "CREDENTIALS_MOUNT",
    "admin_endpoint",
    "control_plane_profile",
    "data_plane_profile",
    "credentials_secret",
    "credentials_notes",
]

CREDENTIALS_SECRET = "cluster-credentials"
CREDENTIALS_MOUNT = "/var/run/credentials"
"""Name and mount path the chart's cluster resource sync (``syncresources``) uses for data-plane credentials
whenever ``labelClusterMap`` is set; FlyteAdmin gets the same mount through ``additionalVolumes``."""
_IN_CLUSTER_API = "https://kubernetes.default.svc"
_IN_CLUSTER_CREDENTIALS = "/var/run/secrets/kubernetes.io/serviceaccount"


DATACATALOG_GRPC_PORT = 89
"""Port of the gRPC port of flyte-core's ``datacatalog`` Service (templates/datacatalog/service.yaml)."""
DATACATALOG_ADDRESS = "<DATACATALOG_INTERNAL_ADDRESS>"
"""The control plane's internal load balancer for DataCatalog: known once the control plane is installed."""
# Upstream (multicluster.rst): DataCatalog "is not exposed via the ingress by default and does not have its own
# authentication mechanism"; data planes reach it through an internal load balancer Service, made internal by the
# cloud's annotations (Cloud.internal_lb_annotations).


def catalog_endpoint(spec: DeploymentSpec) -> str:
    """How data planes reach DataCatalog: the control plane's internal load balancer, port 89 (plain gRPC)."""
    return f"dns:///{DATACATALOG_ADDRESS}:{DATACATALOG_GRPC_PORT}"


def admin_endpoint(spec: DeploymentSpec) -> str:
    """How data planes reach FlyteAdmin: the spec's endpoint, else the control plane's Ingress host."""
    if spec.clusters.admin_endpoint:
        return spec.clusters.admin_endpoint
    if spec.ingress.host:
        return f"dns:///{spec.ingress.host}"
    return "<CONTROL_PLANE_ADMIN_ENDPOINT>"


def _label_cluster_map(data_planes: list[DataPlane]) -> dict[str, list[dict[str, Any]]]:
    """Execution label -> the data planes serving it with their share (weight) of those executions."""
    mapping: dict[str, list[dict[str, Any]]] = {}
    for plane in data_planes:
        mapping.setdefault(plane.label, []).append({"id": plane.name, "weight": plane.weight})
    return mapping


def _cluster_configs(spec: DeploymentSpec) -> list[dict[str, Any]]:
    clusters = spec.clusters
    configs: list[dict[str, Any]] = []
    if clusters.control_plane_runs_workloads:
        configs.append(
            {
                "name": clusters.control_plane_name,
                "endpoint": _IN_CLUSTER_API,
                "enabled": True,
                "auth": {
                    "type": "file_path",
                    "tokenPath": f"{_IN_CLUSTER_CREDENTIALS}/token",
                    "certPath": f"{_IN_CLUSTER_CREDENTIALS}/ca.crt",
                },
            }
        )
    for plane in clusters.data_planes:
        configs.append(
            {
                "name": plane.name,
                "endpoint": plane.endpoint,
                "enabled": True,
                "auth": {
                    "type": "file_path",
                    "tokenPath": f"{CREDENTIALS_MOUNT}/{plane.name}_token",
                    "certPath": f"{CREDENTIALS_MOUNT}/{plane.name}_cacert",
                },
            }
        )
    return configs


def control_plane_profile(spec: DeploymentSpec) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and comments layered on the control plane: FlyteAdmin learns the data planes and mounts their
    credentials; propeller runs here only when the control plane also runs workloads."""
    runs = spec.clusters.control_plane_runs_workloads and spec.components.propeller.enabled
    values: dict[str, Any] = {
        "flyteadmin": {
            "additionalVolumes": [{"name": CREDENTIALS_SECRET, "secret": {"secretName": CREDENTIALS_SECRET}}],
            "additionalVolumeMounts": [{"name": CREDENTIALS_SECRET, "mountPath": CREDENTIALS_MOUNT}],
        },
        "flytepropeller": {"enabled": runs},
        "flyteconnector": {"enabled": False},
        "datacatalog": {
            "service": {"type": "LoadBalancer", "annotations": dict(cloud_of(spec).internal_lb_annotations)}
        },
        "configmap": {
            "clusters": {
                "labelClusterMap": _label_cluster_map(spec.clusters.data_planes),
                "clusterConfigs": _cluster_configs(spec),
            }
        },
    }
    comments = {
        "configmap.clusters": "data planes by execution label (weights share a label's executions) and how "
        f"FlyteAdmin reaches their API servers (tokens from the Secret {CREDENTIALS_SECRET})",
        "flyteadmin.additionalVolumes": f"mounts {CREDENTIALS_SECRET} at {CREDENTIALS_MOUNT}",
        "datacatalog.service": "an internal load balancer: data planes' propeller reads and writes the cache "
        "through it (the Ingress routes only FlyteAdmin and the console)",
        "flytepropeller": "control plane: propeller runs here only if it also runs workloads"
        + (" (it does, with in-cluster credentials)" if runs else " (it does not)"),
    }
    return values, comments


def data_plane_profile(spec: DeploymentSpec, plane: DataPlane) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and comments layered on a data plane: propeller (and the webhook) only, reporting to the control
    plane's FlyteAdmin. FlyteAdmin's service account is still created, for the control plane's token."""
    endpoint = admin_endpoint(spec)
    insecure = spec.ingress.tls.mode is TlsMode.NONE
    values: dict[str, Any] = {
        "flyteadmin": {"enabled": False, "serviceAccount": {"alwaysCreate": True}},
        "datacatalog": {"enabled": False},
        "flyteconsole": {"enabled": False},
        "flyteconnector": {"enabled": False},
        "flytepropeller": {"clusterName": plane.name},
        "workflow_scheduler": {"enabled": False},
        "cluster_resource_manager": {"enabled": False},
        "common": {"ingress": {"enabled": False}},
        "configmap": {
            "admin": {"admin": {"endpoint": endpoint, "insecure": insecure}},
            # plain gRPC through the internal L4 load balancer (DataCatalog serves no TLS itself)
            "catalog": {"catalog-cache": {"endpoint": catalog_endpoint(spec), "insecure": True}},
        },
    }
    comments = {
        "flyteadmin": "data plane: no FlyteAdmin, but its service account (the control plane uses its token)",
        "flytepropeller": f"data plane {plane.name}: propeller runs the executions labelled {plane.label}",
        "common.ingress": "data plane: no Ingress (nothing here serves people)",
        "datacatalog": "data plane: DataCatalog runs on the control plane",
        "flyteconsole": "data plane: the console runs on the control plane",
        "workflow_scheduler": "data plane: schedules fire on the control plane",
        "configmap.admin": f"propeller reports to the control plane's FlyteAdmin at {endpoint}",
        "configmap.catalog": f"the control plane's DataCatalog through its internal load balancer ({DATACATALOG_ADDRESS}:"
        f"{DATACATALOG_GRPC_PORT}; `kubectl get svc datacatalog` on the control plane shows the address)",
        "cluster_resource_manager": "off: the control plane's cluster resource sync (which mounts "
        f"{CREDENTIALS_SECRET}) creates the project namespaces here",
    }
    return values, comments


def credentials_secret(spec: DeploymentSpec) -> SecretSpec:
    """The Secret on the control plane holding each data plane's FlyteAdmin service account token and CA."""
    keys: dict[str, str] = {}
    for plane in spec.clusters.data_planes:
        keys[f"{plane.name}_token"] = f"token of the flyteadmin service account in data plane {plane.name}"
        keys[f"{plane.name}_cacert"] = f"CA certificate of {plane.name}'s API server ({plane.endpoint})"
    return SecretSpec(
        name=CREDENTIALS_SECRET,
        namespace=spec.namespace,
        keys=keys,
        cluster=spec.clusters.control_plane_name,
        purpose="FlyteAdmin (executions) and the cluster resource sync (project namespaces) act in each data plane "
        "with the token of that data plane's flyteadmin service account; made outside Helm after the data planes "
        "are installed",
        spec_paths=["clusters.data_planes"],
    )


def credentials_notes(spec: DeploymentSpec) -> list[str]:
    """Step-by-step commands that build ``cluster-credentials`` from the installed data planes."""
    ns = spec.namespace
    notes = [
        "Install the data planes first: their release creates the flyteadmin service account whose token the "
        "control plane uses. Then, for each data plane, with kubectl pointed at it (--context <data plane>):"
    ]
    for plane in spec.clusters.data_planes:
        name = plane.name
        notes.append(
            f"{name}: kubectl -n {ns} apply -f - <<EOF\napiVersion: v1\nkind: Secret\nmetadata:\n"
            f"  name: flyteadmin-token\n  namespace: {ns}\n  annotations:\n"
            f"    kubernetes.io/service-account.name: flyteadmin\ntype: kubernetes.io/service-account-token\nEOF\n"
            f"kubectl -n {ns} get secret flyteadmin-token -o jsonpath='{{.data.token}}' | base64 -d > {name}_token\n"
            f"kubectl -n {ns} get secret flyteadmin-token -o jsonpath='{{.data.ca\\.crt}}' | base64 -d > {name}_cacert"
        )
    files = " ".join(
        f"--from-file={plane.name}_token --from-file={plane.name}_cacert" for plane in spec.clusters.data_planes
    )
    notes.append(
        f"On the control plane ({spec.clusters.control_plane_name}), before installing it: "
        f"kubectl -n {ns} create secret generic {CREDENTIALS_SECRET} {files}"
    )
    notes.append(
        "DataCatalog is not routed by flyte-core's Ingress: expose its gRPC port (service datacatalog, port 89) "
        f"at {admin_endpoint(spec)} or change configmap.catalog on the data planes, or task caching misses."
    )
    return notes
