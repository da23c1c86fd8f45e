"""Realistic misconfigurations, each applied to a preset's valid plan, with the rule that must catch it.

An edit is ``(values file, key path, value)``; ``DELETE`` removes the key. ``flytectl-config.yaml`` edits the client
config. Each entry says what a person would have done wrong.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

DELETE = object()
BARE_HASH = "$2a$06$d6PQn2QAFU3cL5V8MDkeuuk63xubqUxNxjtfPw.Fc9MgV6vpmyOIy"
CLIENT = {"id": "flytepropeller", "grant_types": ["client_credentials"], "response_types": ["token"], "scopes": ["all"]}
CLI = {"id": "flytectl", "public": True}
BIN = "values-flyte-binary.yaml"
CORE = "values-flyte-core.yaml"
DP1 = "values-flyte-core-dataplane-1.yaml"
INLINE = ("configuration", "inline")


@dataclass(frozen=True)
class Mutation:
    id: str
    preset: str
    edits: tuple[tuple[str, tuple[Any, ...], Any], ...]
    rule: str
    story: str


def _m(id: str, preset: str, file: str, path: tuple[Any, ...], value: Any, rule: str, story: str) -> Mutation:
    return Mutation(id, preset, ((file, path, value),), rule, story)


CORPUS: list[Mutation] = [
    _m(
        "propeller-key-typo",
        "eks-production",
        BIN,
        (*INLINE, "propeller", "workerz"),
        8,
        "runtime.unknown-key",
        "workers misspelt in an inline override",
    ),
    _m(
        "section-typo",
        "eks-production",
        BIN,
        (*INLINE, "catalog_cache", "max-cache-age"),
        "1h",
        "runtime.unknown-section",
        "catalog-cache written with an underscore",
    ),
    _m(
        "duration-no-unit",
        "eks-production",
        BIN,
        (*INLINE, "propeller", "gc-interval"),
        "12",
        "runtime.type",
        "gc-interval without a unit",
    ),
    _m(
        "duration-number",
        "eks-production",
        BIN,
        (*INLINE, "propeller", "downstream-eval-duration"),
        30,
        "runtime.duration-unit",
        "30 meant as seconds, read as nanoseconds",
    ),
    _m(
        "int-word",
        "eks-production",
        BIN,
        (*INLINE, "propeller", "workers"),
        "forty",
        "runtime.type",
        "a word where a number goes",
    ),
    _m(
        "bool-word",
        "eks-production",
        BIN,
        (*INLINE, "plugins", "k8s", "inject-finalizer"),
        "yes please",
        "runtime.type",
        "a sentence where a boolean goes",
    ),
    _m(
        "quantity-space",
        "eks-production",
        BIN,
        (*INLINE, "plugins", "k8s", "default-cpus"),
        "1 core",
        "runtime.type",
        "CPU written in words",
    ),
    _m(
        "url-space",
        "eks-production",
        BIN,
        (*INLINE, "auth", "authorizedUris"),
        ["https://flyte example.com"],
        "runtime.type",
        "a space in an authorized URI",
    ),
    _m(
        "list-as-map",
        "eks-production",
        BIN,
        (*INLINE, "tasks", "task-plugins", "enabled-plugins"),
        {"container": True},
        "runtime.type",
        "enabled plugins as a map of flags",
    ),
    _m(
        "map-as-string",
        "eks-production",
        BIN,
        (*INLINE, "plugins", "k8s", "default-env-vars"),
        "A=B",
        "runtime.type",
        "env vars as a shell string",
    ),
    _m(
        "enum-typo",
        "gke-production",
        CORE,
        ("configmap", "adminServer", "auth", "appAuth", "authServerType"),
        "Selff",
        "runtime.type",
        "auth server type misspelt",
    ),
    _m(
        "datacatalog-key-typo",
        "gke-production",
        CORE,
        ("configmap", "datacatalogServer", "datacatalog", "storage-prefixx"),
        "metadata/dc",
        "runtime.unknown-key",
        "DataCatalog key misspelt",
    ),
    _m(
        "quantity-core",
        "gke-production",
        CORE,
        ("configmap", "task_resource_defaults", "task_resources", "defaults", "cpu"),
        "100 m",
        "runtime.type",
        "a space inside a quantity",
    ),
    _m(
        "static-clients-drop",
        "sandbox-core",
        CORE,
        ("configmap", "adminServer", "auth", "appAuth", "selfAuthServer", "staticClients"),
        {"flytepropeller": CLIENT},
        "runtime.map-drops-defaults",
        "only the service client listed: flytectl and flyte-cli vanish",
    ),
    _m(
        "secret-bare-hash",
        "sandbox-core",
        CORE,
        ("configmap", "adminServer", "auth", "appAuth", "selfAuthServer", "staticClients"),
        {
            "flytepropeller": CLIENT | {"client_secret": BARE_HASH},
            "flytectl": CLI,
            "flyte-cli": CLI | {"id": "flyte-cli"},
        },
        "runtime.bytes-base64",
        "the bcrypt hash pasted as is (Flyte wants its base64)",
    ),
    _m(
        "secret-not-bcrypt",
        "sandbox-core",
        CORE,
        ("configmap", "adminServer", "auth", "appAuth", "selfAuthServer", "staticClients"),
        {
            "flytepropeller": CLIENT | {"client_secret": base64.b64encode(b"hunter2").decode()},
            "flytectl": CLI,
            "flyte-cli": CLI | {"id": "flyte-cli"},
        },
        "runtime.bytes-base64",
        "the raw secret base64-encoded instead of its bcrypt hash",
    ),
    _m(
        "catalog-service-typo",
        "gke-production",
        CORE,
        ("configmap", "catalog", "catalog-cache", "endpoint"),
        "datacatalg:89",
        "wiring.endpoint-service",
        "DataCatalog Service name misspelt",
    ),
    _m(
        "catalog-wrong-port",
        "gke-production",
        CORE,
        ("configmap", "catalog", "catalog-cache", "endpoint"),
        "datacatalog:8089",
        "wiring.endpoint-port",
        "the container port instead of the Service port",
    ),
    _m(
        "admin-localhost",
        "gke-production",
        CORE,
        ("configmap", "admin", "admin", "endpoint"),
        "localhost:8089",
        "wiring.endpoint-localhost",
        "flyte-binary's endpoint copied into flyte-core",
    ),
    _m(
        "connector-service-typo",
        "eks-production",
        BIN,
        (*INLINE, "plugins", "connector-service", "defaultConnector", "endpoint"),
        "k8s://flyteconnectr.flyte:8000",
        "wiring.endpoint-service",
        "a connector Service that does not exist",
    ),
    _m(
        "dataplane-catalog-via-ingress",
        "eks-multicluster",
        DP1,
        ("configmap", "catalog", "catalog-cache", "endpoint"),
        "dns:///<FLYTE_HOST>",
        "wiring.ingress-route",
        "DataCatalog through the control plane's host, not routed",
    ),
    _m(
        "dataplane-insecure",
        "gke-multicluster",
        DP1,
        ("configmap", "admin", "admin", "insecure"),
        True,
        "wiring.insecure-mismatch",
        "data plane dials the TLS ingress in plaintext",
    ),
    _m(
        "client-insecure",
        "eks-production",
        "flytectl-config.yaml",
        ("admin", "insecure"),
        True,
        "wiring.insecure-mismatch",
        "client in plaintext against an ALB with a certificate",
    ),
    _m(
        "client-id-unknown",
        "eks-production",
        "flytectl-config.yaml",
        ("admin", "clientId"),
        "flytectl2",
        "wiring.client-id",
        "a client id the auth server does not have",
    ),
    _m(
        "propeller-client-id",
        "gke-production",
        CORE,
        ("configmap", "admin", "admin", "clientId"),
        "propeller",
        "wiring.client-id",
        "propeller logs in with a client id that is not registered",
    ),
    _m(
        "external-idp-flytectl",
        "gke-production",
        CORE,
        ("configmap", "adminServer", "auth", "appAuth", "authServerType"),
        "External",
        "wiring.external-client-id",
        "external IdP, but clients still told to log in as flytectl",
    ),
    _m(
        "grpc-no-tls-alb",
        "eks-production",
        BIN,
        ("ingress", "commonAnnotations", "alb.ingress.kubernetes.io/certificate-arn"),
        DELETE,
        "wiring.grpc-ingress-tls",
        "the ALB certificate removed: gRPC over cleartext",
    ),
    _m(
        "grpc-no-tls-nginx",
        "gke-production",
        CORE,
        ("common", "ingress", "tls", "enabled"),
        False,
        "wiring.grpc-ingress-tls",
        "TLS switched off on ingress-nginx",
    ),
    _m(
        "secret-name-typo",
        "eks-production",
        BIN,
        ("deployment", "extraVolumes", 0, "secret", "secretName"),
        "db-passwd",
        "wiring.secret-missing",
        "database password Secret misspelt",
    ),
    _m(
        "secret-key-typo",
        "eks-production",
        BIN,
        ("deployment", "extraVolumes", 0, "secret", "items", 0, "key"),
        "pass",
        "wiring.secret-key",
        "a key the planned Secret does not have",
    ),
    _m(
        "configmap-missing",
        "eks-production",
        BIN,
        ("deployment", "extraVolumes", 1),
        {"name": "extra", "configMap": {"name": "flyte-extra"}},
        "wiring.configmap-missing",
        "a ConfigMap volume nothing creates",
    ),
    _m(
        "env-secret-missing",
        "onprem-starter",
        BIN,
        ("deployment", "extraEnvVars", 0, "valueFrom", "secretKeyRef", "name"),
        "flyte-storag",
        "wiring.secret-missing",
        "storage credentials Secret misspelt",
    ),
    _m(
        "abfs-no-account",
        "aks-production",
        CORE,
        ("configmap", "k8s", "plugins", "k8s", "default-env-vars"),
        [],
        "wiring.task-storage",
        "task pods without the storage account on abfs",
    ),
    _m(
        "s3-endpoint-missing",
        "onprem-starter",
        BIN,
        (*INLINE, "plugins", "k8s", "default-env-vars"),
        [],
        "wiring.task-storage",
        "MinIO raw data, but tasks would dial AWS S3",
    ),
]
