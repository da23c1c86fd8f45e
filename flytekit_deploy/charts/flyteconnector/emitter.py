"""Values for the ``flyteconnector`` chart: the connector service of the hybrid model.

Flyte drives compute outside Kubernetes (Databricks, Snowflake, BigQuery, SageMaker, Slurm) through connectors:
a gRPC service (``pyflyte serve agent``) that FlytePropeller's ``connector-service`` plugin calls. The chart runs
it as a Deployment and a Service named after the chart (``flyteconnector``, whatever the release is called), so
the address propeller dials is fixed by the namespace alone; :func:`connector_endpoint` is that address and the
flyte-binary and flyte-core emitters point their ``connector-service`` plugin at it.

AWS Batch is no connector: FlytePropeller submits Batch jobs itself (the ``aws_array`` plugin), so a spec whose
only connector is AWS Batch needs no connector release; the main chart's emitter configures that plugin.

Credentials never go into the values: the chart's own ``connectorSecret.secretData`` would put them there, so it
is switched off and the person's Secrets reach the connectors as the ``_FSEC_<KEY>`` env vars flytekit reads.
"""

from __future__ import annotations

from typing import Any

from ...clouds import identity_of
from ...spec import (
    ChartName,
    Connector,
    ConnectorKind,
    DeploymentSpec,
)
from ..base import ReleaseValues, SecretSpec
from ..common import cluster_of, deep_merge, identity_annotations, resources_values

__all__ = [
    "emit",
    "connector_endpoint",
    "needs_connector_service",
    "CONNECTOR_SERVICE",
    "CONNECTOR_PORT",
    "CONNECTOR_PACKAGES",
]

CONNECTOR_SERVICE = "flyteconnector"
"""Service name the chart gives the connector (its chart name; ``nameOverride`` is left empty)."""
CONNECTOR_PORT = 8000
"""gRPC port of the connector Service (chart ``ports.containerPort``)."""
SECRETS_DIR = "/etc/secrets"
"""Where flytekit's secrets manager (``get_connector_secret``) reads files inside the connector pod."""

CONNECTOR_PACKAGES: dict[ConnectorKind, str] = {
    ConnectorKind.DATABRICKS: "flytekitplugins-spark",
    ConnectorKind.SNOWFLAKE: "flytekitplugins-snowflake",
    ConnectorKind.BIGQUERY: "flytekitplugins-bigquery",
    ConnectorKind.SAGEMAKER: "flytekitplugins-awssagemaker",
    ConnectorKind.SLURM: "flytekitplugins-slurm",
}
"""The flytekit plugin that holds each connector: the connector image must have it installed."""

_SECRET_FILE: dict[ConnectorKind, str] = {
    ConnectorKind.DATABRICKS: "flyte_databricks_access_token",
    ConnectorKind.SNOWFLAKE: "snowflake_private_key",
}
"""File name (under /etc/secrets) a connector reads its credential from, where flytekit fixes it. Other kinds
read the file named like the Secret key the spec gives."""


def connector_endpoint(spec: DeploymentSpec) -> str:
    """The in-cluster gRPC address of the connector Service, as FlytePropeller's ``connector-service`` plugin takes
    it: Flyte's ``k8s://`` resolver (the charts' own default is ``k8s://flyteconnector.flyte:8000``) balances over
    the connector pods instead of pinning one connection to one pod."""
    return f"k8s://{CONNECTOR_SERVICE}.{spec.namespace}:{CONNECTOR_PORT}"


def needs_connector_service(spec: DeploymentSpec) -> bool:
    """True when a connector release belongs to the plan: the component is switched on, or a connector other than
    AWS Batch (which propeller drives itself) is listed."""
    if spec.components.connector.enabled:
        return True
    return any(c.kind is not ConnectorKind.AWS_BATCH for c in spec.connectors)


def _secret_file(connector: Connector) -> str:
    assert connector.secret is not None
    return _SECRET_FILE.get(connector.kind, connector.secret.key)


SECRET_ENV_PREFIX = "_FSEC_"
"""flytekit's SecretsManager reads a secret from the env var ``_FSEC_<KEY>`` before the file /etc/secrets/<key>."""


def _secret_env(connectors: list[Connector]) -> list[dict[str, Any]]:
    """One env var per connector credential, read from the person's Secret under the name flytekit looks up.

    Not a volume: flyteconnector v1.16.8 renders ``additionalVolumeMounts`` after ``resources:`` (the manifest does
    not parse) and already mounts its own Secret at /etc/secrets, so a second mount there is rejected."""
    env: list[dict[str, Any]] = []
    for connector in connectors:
        if connector.secret is None:
            continue
        item = {
            "name": SECRET_ENV_PREFIX + _secret_file(connector).upper(),
            "valueFrom": {"secretKeyRef": {"name": connector.secret.name, "key": connector.secret.key}},
        }
        if item not in env:
            env.append(item)
    return env


def _secret_specs(spec: DeploymentSpec, cluster: str) -> list[SecretSpec]:
    """The Secrets the person creates for the connectors, one per Secret name, keys united."""
    found: dict[str, SecretSpec] = {}
    for index, connector in enumerate(spec.connectors):
        if connector.secret is None:
            continue
        ref = connector.secret
        secret = found.setdefault(
            ref.name,
            SecretSpec(
                name=ref.name,
                namespace=spec.namespace,
                keys={},
                cluster=cluster,
                purpose="credentials the connector service uses to call the external services",
            ),
        )
        secret.keys[ref.key] = (
            f"the {connector.kind.value} credential, read as env {SECRET_ENV_PREFIX}{_secret_file(connector).upper()}"
        )
        secret.spec_paths.append(f"connectors[{index}].secret")
    return list(found.values())


def _notes(spec: DeploymentSpec, served: list[Connector]) -> list[str]:
    notes: list[str] = []
    packages = sorted({CONNECTOR_PACKAGES[c.kind] for c in served if c.kind in CONNECTOR_PACKAGES})
    if packages:
        notes.append(
            "The connector image must contain "
            + ", ".join(packages)
            + "; the chart's default image (cr.flyte.org/flyteorg/flyteagent) bundles flytekit's common connectors —"
            " if one is missing, build an image FROM it with `pip install` and set components.connector.image_tag"
            " (or overrides.flyteconnector.image)."
        )
    for connector in served:
        if connector.kind is ConnectorKind.DATABRICKS and connector.endpoint:
            notes.append(
                f"Databricks workspace {connector.endpoint}: tasks name it in their Databricks config "
                "(databricks_instance); the connector only holds the token."
            )
        if connector.kind is ConnectorKind.SLURM and connector.endpoint:
            notes.append(f"Slurm login node {connector.endpoint}: tasks name it in their Slurm config.")
        if connector.kind is ConnectorKind.BIGQUERY and connector.secret is not None:
            notes.append(
                "BigQuery: Google's client reads a key *file* (GOOGLE_APPLICATION_CREDENTIALS), and flyteconnector "
                "v1.16.8 cannot mount one more volume (additionalVolumeMounts breaks its template; /etc/secrets holds "
                "the chart's own Secret). Prefer workload identity on the connector's service account; the key reaches "
                f"the pod only as the env var {SECRET_ENV_PREFIX}{_secret_file(connector).upper()}."
            )
        if connector.secret is None and connector.kind in (ConnectorKind.DATABRICKS, ConnectorKind.SNOWFLAKE):
            notes.append(
                f"connector {connector.kind.value} has no Secret: it cannot authenticate; set connectors[].secret."
            )
    notes.append(
        f"FlytePropeller reaches the connectors at {connector_endpoint(spec)} (the connector-service plugin of the "
        "main release); install this release in the same namespace."
    )
    return notes


def emit(spec: DeploymentSpec) -> list[ReleaseValues]:
    """The connector release, or nothing when the spec needs no connector service."""
    if not needs_connector_service(spec):
        return []
    component = spec.components.connector
    cluster = cluster_of(spec)
    served = [c for c in spec.connectors if c.kind is not ConnectorKind.AWS_BATCH]
    values: dict[str, Any] = {}
    comments: dict[str, str] = {}

    if component.replicas != 1:
        values["replicaCount"] = component.replicas
        comments["replicaCount"] = "components.connector.replicas; the k8s:// resolver spreads calls over them"
    if component.image_tag:
        values["image"] = {"tag": component.image_tag}
        comments["image"] = "components.connector.image_tag: an image holding the connectors' flytekit plugins"
    resources = resources_values(component.resources)
    if resources:
        values["resources"] = resources
        comments["resources"] = "components.connector.resources (replaces the chart's requests and limits)"

    secret_env = _secret_env(served)
    if secret_env:
        values["connectorSecret"] = {"secretData": None}
        comments["connectorSecret"] = (
            "off: the chart would write credentials into the values; the Secrets below are read as env vars instead"
        )
    annotations = identity_annotations(spec, spec.identity.backend)
    if annotations:
        values["serviceAccount"] = {"annotations": annotations}
        comments["serviceAccount"] = (
            f"{spec.identity_mode.value}: the connector calls cloud APIs (e.g. SageMaker, BigQuery) as the backend identity"
        )
    cloud_identity = identity_of(spec)
    pod_labels = dict(cloud_identity.pod_labels) if cloud_identity is not None else {}
    if pod_labels:
        values["podLabels"] = pod_labels
        comments["podLabels"] = "Azure workload identity injects tokens only into pods with this label"
    if secret_env:
        values["podEnv"] = secret_env
        comments["podEnv"] = (
            f"connector credentials from existing Secrets, as the {SECRET_ENV_PREFIX}<KEY> env vars flytekit's "
            "secrets manager reads"
        )

    values = deep_merge(values, spec.overrides.get(ChartName.FLYTECONNECTOR.value, {}), keep_null=True)
    return [
        ReleaseValues(
            release=CONNECTOR_SERVICE,
            chart=ChartName.FLYTECONNECTOR,
            namespace=spec.namespace,
            cluster=cluster,
            role="connector",
            values=values,
            comments=comments,
            secrets=_secret_specs(spec, cluster),
            notes=_notes(spec, served),
            version=spec.chart_version,
        )
    ]
