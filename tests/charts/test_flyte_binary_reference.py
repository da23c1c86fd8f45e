"""Reference equivalence: each upstream flyte-binary starter and the preset that stands for it, fed the same inputs,
must mean the same thing once layered over the chart's defaults — apart from a small, reasoned allow-list.

Both sides are compared as Helm sees them (``deep_merge(values.yaml, file)``), after normalisations that change
spelling, never meaning; each is explained where it is defined. Upstream's rendered manifests
(``rendered/flyte-binary``) are checked too, for what the chart makes of the values (config map, templates).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts import flyte_binary
from flytekit_deploy.charts.common import deep_merge
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec

from .upstream import ABSENT, Allowed, allow, assert_matches

pytestmark = pytest.mark.needs_shared

# ---- the inputs upstream's files were written with --------------------------------------------------------------

COMMON_INPUTS: dict[str, Any] = {
    # The chart's own seed project, which none of the starters changes.
    "projects": {"projects": [{"name": "flytesnacks", "description": "Default project setup."}]},
    # Every starter turns on DataCatalog's metadata cache with 10 MB.
    "storage": {"cache_max_size_mb": 10},
}

EKS_INPUTS: dict[str, Any] = {
    "database": {"host": "<RDS_HOST_DNS>", "user": "postgres", "admin_dbname": "flyteadmin", "sslmode": "disable"},
    "storage": {
        "metadata_bucket": "<BUCKET_NAME>",
        "raw_data_bucket": "<USER_DATA_BUCKET_NAME>",
        "region": "<AWS-REGION-CODE>",
    },
    "aws": {"region": "<AWS_REGION>", "cluster_name": "<EKS_CLUSTER_NAME>"},
    "observability": {"logs": {"cloudwatch_log_group": "/aws/eks/<EKS_CLUSTER_NAME>/cluster"}},
    "identity": {"backend": "<FLYTE_BACKEND_IAM_ARN>", "tasks": "<FLYTE_USER_IAM_ARN>"},
    "ingress": {
        "host": "flyte.mydomain.com",
        "tls": {"certificate_arn": "arn:aws:acm:<AWS-REGION>:<AWS-ACCOUNT-ID>:certificate/<CERTIFICATE-ID>"},
    },
}

EKS_PRODUCTION_INPUTS: dict[str, Any] = deep_merge(
    EKS_INPUTS,
    {
        "database": {"admin_dbname": "flyte"},
        # upstream's (disabled) auth block names these; the preset turns auth on with them
        "auth": {
            "issuer": "<YOUR_IDP_BASE_URL>",
            "client_id": "<IDP_CLIENT_ID>",
            "authorized_uris": ["https://flyte.company.com"],
            "flytectl_scopes": ["all"],
        },
    },
)

GKE_INPUTS: dict[str, Any] = {
    "database": {"host": "127.0.0.1", "user": "postgres", "admin_dbname": "flyteadmin", "sslmode": "disable"},
    "storage": {"metadata_bucket": "my-organization-flyte-container", "raw_data_bucket": None},
    "gcp": {"project_id": "my-organization-gcp-project"},
    "identity": {"backend": "<FLYTE_IAM_SA_EMAIL>", "tasks": "<FLYTE_IAM_SA_EMAIL>"},
    # gke-starter.yaml configures no Ingress
    "ingress": {"controller": "none", "host": None, "tls": {"mode": "none", "cluster_issuer": None}},
}

# ---- what may differ, and why: one entry per leaf, both values pinned ---------------------------------------------

SECRETS_BY_REFERENCE = "the DB password comes from an existing Secret (passwordPath + a mounted volume), never inline"
DB_PASSWORD_INLINE = "upstream writes <DB_PASSWORD> inline; " + SECRETS_BY_REFERENCE
GKE_PASSWORD = "upstream leaves the password empty (Cloud SQL would refuse the login); " + SECRETS_BY_REFERENCE
AUTH_OFF = "auth is off (enabled: false): the chart reads these only when it is on; secrets would not be inline anyway"
INLINE_TASKS = (
    "upstream repeats the chart's enabled_plugins.tasks in inline (same plugins, spelled K8S-ARRAY and as a list); "
    "the chart already configures them"
)
ALB_APP_ROOT = (
    "upstream's ALB actions.app-root annotation is inert: no path of the chart's Ingress uses the action (see the "
    "rendered Ingress), so the ALB ignores it"
)
AUTH_ON = (
    "upstream's 'production' file is the starter with another dbname and auth off; the spec refuses a production "
    "profile without auth, so the preset turns OIDC on"
)
OIDC_SECRET = (
    "upstream writes <IDP_CLIENT_SECRET> inline; it comes from the Secret named by clientSecretsExternalSecretRef"
)
INTERNAL_SECRET = "upstream writes <CC_PASSWD> inline; same Secret"
INTERNAL_HASH = (
    "upstream writes the hash inline; it arrives as a config file of the same Secret through inlineSecretRef"
)
SECRET_REF = "the Secret holding both client secrets"
INLINE_SECRET_REF = "the Secret's config file with the bcrypt hash of the internal client"
LOGIN_SCOPES = "the login scopes of the spec (auth.user_scopes), which the chart has no key for"
LOG_LEVEL = "upstream logs at debug (5) everywhere; the production profile logs at info (4)"
RBAC_EXTRA = (
    "the chart's own ClusterRole already grants create/get/patch on serviceaccounts (checked against the rendered "
    "ClusterRole below)"
)

_DB_VOLUMES = [
    allow(
        "deployment.extraVolumeMounts",
        [{"name": "db-password", "mountPath": "/etc/db", "readOnly": True}],
        [],
        SECRETS_BY_REFERENCE,
    ),
    allow(
        "deployment.extraVolumes",
        [
            {
                "name": "db-password",
                "secret": {"secretName": "db-pass", "items": [{"key": "pass.txt", "path": "pass.txt"}]},
            }
        ],
        [],
        SECRETS_BY_REFERENCE,
    ),
]
_INLINE_TASKS = [
    allow(
        "configuration.inline.tasks.task-plugins.default-for-task-types",
        ABSENT,
        [{"container": "container"}, {"container_array": "K8S-ARRAY"}],
        INLINE_TASKS,
    ),
    allow(
        "configuration.inline.tasks.task-plugins.enabled-plugins",
        ABSENT,
        ["container", "sidecar", "K8S-ARRAY", "connector-service", "echo"],
        INLINE_TASKS,
    ),
]
_EKS_DATABASE_AND_ALB = [
    allow("configuration.database.password", "", "<DB_PASSWORD>", DB_PASSWORD_INLINE),
    allow("configuration.database.passwordPath", "/etc/db/pass.txt", "", SECRETS_BY_REFERENCE),
    allow("ingress.httpAnnotations", {}, ABSENT, ALB_APP_ROOT),
    allow(
        ("ingress", "httpAnnotations", "alb.ingress.kubernetes.io/actions.app-root"),
        ABSENT,
        '{"Type": "redirect", "RedirectConfig": {"Path": "/console", "StatusCode": "HTTP_302"}}',
        ALB_APP_ROOT,
    ),
]

EKS_STARTER_ALLOWED: list[Allowed] = [
    *_DB_VOLUMES,
    *_INLINE_TASKS,
    *_EKS_DATABASE_AND_ALB,
    allow("configuration.auth.authorizedUris", [], ["https://flyte.company.com"], AUTH_OFF),
    allow("configuration.auth.internal.clientSecret", "", "<CC_PASSWD>", AUTH_OFF),
    allow("configuration.auth.internal.clientSecretHash", "", "<HASHED_CC_PASSWD>", AUTH_OFF),
    allow("configuration.auth.oidc.baseUrl", "", "<YOUR_IDP_BASE_URL>", AUTH_OFF),
    allow("configuration.auth.oidc.clientId", "", "<IDP_CLIENT_ID>", AUTH_OFF),
    allow("configuration.auth.oidc.clientSecret", "", "<IDP_CLIENT_SECRET>", AUTH_OFF),
]

EKS_PRODUCTION_ALLOWED: list[Allowed] = [
    *_DB_VOLUMES,
    *_INLINE_TASKS,
    *_EKS_DATABASE_AND_ALB,
    allow("configuration.auth.enabled", True, False, AUTH_ON),
    allow("configuration.auth.oidc.clientSecret", "", "<IDP_CLIENT_SECRET>", OIDC_SECRET),
    allow("configuration.auth.internal.clientSecret", "", "<CC_PASSWD>", INTERNAL_SECRET),
    allow("configuration.auth.internal.clientSecretHash", "", "<HASHED_CC_PASSWD>", INTERNAL_HASH),
    allow("configuration.auth.clientSecretsExternalSecretRef", "flyte-secret-auth", "", SECRET_REF),
    allow("configuration.inlineSecretRef", "flyte-secret-auth", "", INLINE_SECRET_REF),
    allow("configuration.inline.auth.userAuth.openId.scopes", ["openid", "profile"], ABSENT, LOGIN_SCOPES),
    allow("configuration.logging.level", 4, 5, LOG_LEVEL),
]

GKE_STARTER_ALLOWED: list[Allowed] = [
    *_DB_VOLUMES,
    *_INLINE_TASKS,
    allow("configuration.database.passwordPath", "/etc/db/pass.txt", "", GKE_PASSWORD),
    allow(
        "rbac.extraRules",
        [],
        [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create", "get", "patch"]}],
        RBAC_EXTRA,
    ),
]

# ---- normalisation: spelling, not meaning -----------------------------------------------------------------------

_GO_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def _go(text: str) -> str:
    """``{{.podName}}`` and ``{{ .podName }}`` are one Go template action."""
    return _GO_TEMPLATE.sub(lambda m: "{{ " + m.group(1) + " }}", text)


def _lift(items: Any) -> Any:
    """Flyte's config loader lifts a list of one-key maps into a map (upstream writes customData that way)."""
    if isinstance(items, list) and all(isinstance(i, dict) and len(i) == 1 for i in items):
        return {key: _lift(value) for item in items for key, value in item.items()}
    return items


def meaning(values: dict[str, Any], placeholders: dict[str, str] | None = None) -> dict[str, Any]:
    """Values as Flyte reads them.

    - customData lists become the maps they are loaded as (the order of one-key maps carries nothing);
    - cluster resource templates are compared as the YAML documents they are, not as text;
    - log link templates: Go-template whitespace is normalised, and the surrounding literal quotes and trailing
      newline of upstream's GKE block scalar are dropped (they would otherwise end up in the link);
    - ``placeholders`` maps upstream's spellings of one stand-in to the one the spec was fed.
    """
    values = deep_merge(values, {})
    inline = values.get("configuration", {}).get("inline", {})
    if "cluster_resources" in inline:
        inline["cluster_resources"]["customData"] = _lift(inline["cluster_resources"]["customData"])
    templates = values.get("clusterResourceTemplates", {}).get("inline", {})
    for name, text in list(templates.items()):
        templates[name] = yaml.safe_load(text)
    plugins = values.get("configuration", {}).get("logging", {}).get("plugins", {})
    for plugin in ("kubernetes", "cloudwatch", "stackdriver"):
        uri = plugins.get(plugin, {}).get("templateUri")
        if uri:
            uri = _go(uri.strip().strip('"'))
            for theirs, ours in (placeholders or {}).items():
                uri = uri.replace(theirs, ours)
            plugins[plugin]["templateUri"] = uri
    return values


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def fed(preset: str, *inputs: dict[str, Any]) -> DeploymentSpec:
    """The preset with upstream's inputs written into it, validated again like any spec. Hardening is off: it
    adds to what upstream means, and tests/charts/test_hardening_values.py checks it adds only its own keys."""
    data: dict[str, Any] = {**get_preset(preset).model_dump(mode="json"), "hardening": "off"}
    for layer in inputs:
        data = deep_merge(data, layer)
    return DeploymentSpec.model_validate(data)


def emitted(spec: DeploymentSpec) -> dict[str, Any]:
    (release,) = flyte_binary.emit(spec)
    return release.values


@pytest.fixture(scope="module")
def chart(shared_reference: Path) -> Path:
    return shared_reference / "charts" / "flyte-binary"


@pytest.fixture(scope="module")
def chart_defaults(chart: Path) -> dict[str, Any]:
    return load(chart / "values.yaml")


CASES = [
    ("eks-starter", "eks-starter.yaml", (COMMON_INPUTS, EKS_INPUTS), EKS_STARTER_ALLOWED, {}),
    ("eks-production", "eks-production.yaml", (COMMON_INPUTS, EKS_PRODUCTION_INPUTS), EKS_PRODUCTION_ALLOWED, {}),
    (
        "gke-starter",
        "gke-starter.yaml",
        (COMMON_INPUTS, GKE_INPUTS),
        GKE_STARTER_ALLOWED,
        {"<GCP_PROJECT_ID>": "my-organization-gcp-project"},
    ),
]


@pytest.mark.parametrize(("preset", "upstream", "inputs", "allowed", "placeholders"), CASES, ids=[c[0] for c in CASES])
def test_preset_means_what_upstream_means(
    chart: Path,
    chart_defaults: dict[str, Any],
    preset: str,
    upstream: str,
    inputs: tuple[dict[str, Any], ...],
    allowed: list[Allowed],
    placeholders: dict[str, str],
) -> None:
    ours = meaning(deep_merge(chart_defaults, emitted(fed(preset, *inputs))))
    theirs = meaning(deep_merge(chart_defaults, load(chart / upstream)), placeholders)
    assert_matches(ours, theirs, allowed)


def test_allow_lists_stay_small() -> None:
    """Few kinds of difference per starter, however many leaves each kind touches."""
    for _, _, _, allowed, _ in CASES:
        assert len({entry.reason for entry in allowed}) <= 12


def test_fed_specs_are_the_presets_with_inputs_only() -> None:
    """Feeding changes inputs, not choices: chart, model, environment, identity mode and log providers are the preset's."""
    for preset, _, inputs, _, _ in CASES:
        base, spec = get_preset(preset), fed(preset, *inputs)
        assert (spec.chart_name, spec.model, spec.environment, spec.identity_mode, spec.profile) == (
            base.chart_name,
            base.model,
            base.environment,
            base.identity_mode,
            base.profile,
        )
        assert spec.observability.logs.providers == base.observability.logs.providers
        assert spec.auth.mode is base.auth.mode


# ---- against upstream's rendered manifests ----------------------------------------------------------------------


Rendered = Callable[[str], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def rendered(shared_reference: Path) -> Rendered:
    """Upstream's rendered manifests of a starter, by name."""

    def documents(name: str) -> list[dict[str, Any]]:
        path = shared_reference / "rendered" / "flyte-binary" / f"{name}_helm_generated.yaml"
        return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]

    return documents


def find(docs: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"].endswith(suffix)]
    return doc


@pytest.mark.parametrize(
    ("name", "inputs"), [("eks-starter", (COMMON_INPUTS, EKS_INPUTS)), ("gke-starter", (COMMON_INPUTS, GKE_INPUTS))]
)
def test_cluster_resource_templates_match_the_rendered_config_map(
    rendered: Rendered, name: str, inputs: tuple[dict[str, Any], ...]
) -> None:
    data = find(rendered(name), "ConfigMap", "-cluster-resource-templates")["data"]
    ours = emitted(fed(name, *inputs))["clusterResourceTemplates"]["inline"]
    assert {k: yaml.safe_load(v) for k, v in ours.items()} == {k: yaml.safe_load(v) for k, v in data.items()}
    # Flyte's runtime placeholders reach the cluster as text, unexpanded
    assert "'{{ namespace }}'" in ours["001_namespace.yaml"]


def test_inline_config_matches_the_rendered_config_map_but_the_redundant_tasks(rendered: Rendered) -> None:
    config = find(rendered("eks-starter"), "ConfigMap", "-config")["data"]
    theirs = yaml.safe_load(config["100-inline-config.yaml"])
    theirs.pop("tasks")  # INLINE_TASKS: 001-plugins.yaml already holds the same plugins
    theirs["cluster_resources"]["customData"] = _lift(theirs["cluster_resources"]["customData"])
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["configuration"]["inline"]
    ours = deep_merge(ours, {})
    ours["cluster_resources"]["customData"] = _lift(ours["cluster_resources"]["customData"])
    assert ours == theirs
    plugins = yaml.safe_load(config["001-plugins.yaml"])
    assert "connector-service" in plugins["tasks"]["task-plugins"]["enabled-plugins"]


def test_log_link_reaches_the_config_map_raw(rendered: Rendered) -> None:
    config = find(rendered("eks-starter"), "ConfigMap", "-config")["data"]
    logs = yaml.safe_load(config["001-plugins.yaml"])["plugins"]["logs"]
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["configuration"]["logging"]["plugins"]
    assert ours["cloudwatch"]["templateUri"] == logs["cloudwatch-template-uri"]
    assert "{{ .podName }}" in logs["cloudwatch-template-uri"]


def test_service_account_annotation_matches_the_rendered_one(rendered: Rendered) -> None:
    account = find(rendered("eks-starter"), "ServiceAccount", "-flyte-binary")
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["serviceAccount"]["annotations"]
    assert ours == account["metadata"]["annotations"]


def test_rendered_cluster_role_already_grants_upstream_extra_rules(rendered: Rendered, chart: Path) -> None:
    """Why rbac.extraRules of gke-starter is allow-listed: the base rules cover every verb it adds."""
    rules = find(rendered("gke-starter"), "ClusterRole", "-cluster-role")["rules"]
    extra = load(chart / "gke-starter.yaml")["rbac"]["extraRules"]
    base = rules[: len(rules) - len(extra)]
    for rule in extra:
        assert any(
            set(rule["apiGroups"]) <= set(b["apiGroups"])
            and set(rule["resources"]) <= set(b["resources"])
            and set(rule["verbs"]) <= set(b["verbs"])
            for b in base
        ), rule


def test_rendered_alb_ingress_never_uses_the_app_root_action(rendered: Rendered) -> None:
    """Why ingress.httpAnnotations of the EKS starters is allow-listed."""
    http = find(rendered("eks-starter"), "Ingress", "-http")
    backends = [p["backend"]["service"]["name"] for rule in http["spec"]["rules"] for p in rule["http"]["paths"]]
    assert "app-root" not in backends
    assert "alb.ingress.kubernetes.io/actions.app-root" in http["metadata"]["annotations"]


def test_rendered_starters_have_two_ingresses(rendered: Rendered) -> None:
    """separateGrpcIngress exists in flyte-binary v1.16.8 (default true): gRPC gets its own Ingress."""
    kinds = [(d["kind"], d["metadata"]["name"]) for d in rendered("eks-starter") if d["kind"] == "Ingress"]
    assert sorted(name.rsplit("-", 1)[1] for _, name in kinds) == ["grpc", "http"]
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["ingress"]
    assert ours["separateGrpcIngress"] is True
