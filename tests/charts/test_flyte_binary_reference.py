"""Reference equivalence: each upstream flyte-binary starter and the preset that stands for it, fed the same inputs,
must mean the same thing once layered over the chart's defaults — apart from a small, reasoned allow-list.

Both sides are compared as Helm sees them (``deep_merge(values.yaml, file)``), after normalisations that change
spelling, never meaning; each is explained where it is defined. Upstream's rendered manifests
(``rendered/flyte-binary``) are checked too, for what the chart makes of the values (config map, templates).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from flytekit_deploy.charts import flyte_binary
from flytekit_deploy.charts.common import deep_merge, walk_leaves
from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REFERENCE = SHARED / "reference" / "flyte-v1.16.8"
CHART = REFERENCE / "charts" / "flyte-binary"

pytestmark = [
    pytest.mark.needs_shared,
    pytest.mark.skipif(
        not CHART.is_dir(),
        reason=f"upstream reference data not found at {REFERENCE} (../shared exists only beside the workplace clone)",
    ),
]

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

# ---- what may differ, and why -----------------------------------------------------------------------------------

SECRETS_BY_REFERENCE = "the DB password comes from an existing Secret (passwordPath + a mounted volume), never inline"
AUTH_OFF = "auth is off (enabled: false): the chart reads these only when it is on; secrets would not be inline anyway"
INLINE_TASKS = (
    "upstream repeats the chart's enabled_plugins.tasks in inline (same plugins, spelled K8S-ARRAY and as a list); "
    "the chart already configures them"
)

EKS_STARTER_ALLOWED: dict[str, str] = {
    "configuration.database.password": "upstream writes <DB_PASSWORD> inline; " + SECRETS_BY_REFERENCE,
    "configuration.database.passwordPath": SECRETS_BY_REFERENCE,
    "deployment.extraVolumes": SECRETS_BY_REFERENCE,
    "deployment.extraVolumeMounts": SECRETS_BY_REFERENCE,
    "configuration.auth.oidc": AUTH_OFF,
    "configuration.auth.internal": AUTH_OFF,
    "configuration.auth.authorizedUris": AUTH_OFF,
    "configuration.inline.tasks": INLINE_TASKS,
    "ingress.httpAnnotations": "upstream's ALB actions.app-root annotation is inert: no path of the chart's Ingress "
    "uses the action (see the rendered Ingress), so the ALB ignores it",
}

EKS_PRODUCTION_ALLOWED: dict[str, str] = {
    **{k: v for k, v in EKS_STARTER_ALLOWED.items() if not k.startswith("configuration.auth.")},
    "configuration.auth.enabled": "upstream's 'production' file is the starter with another dbname and auth off; "
    "the spec refuses a production profile without auth, so the preset turns OIDC on",
    "configuration.auth.oidc.clientSecret": "upstream writes <IDP_CLIENT_SECRET> inline; it comes from the Secret "
    "named by clientSecretsExternalSecretRef",
    "configuration.auth.internal.clientSecret": "upstream writes <CC_PASSWD> inline; same Secret",
    "configuration.auth.internal.clientSecretHash": "upstream writes the hash inline; it arrives as a config file of "
    "the same Secret through inlineSecretRef",
    "configuration.auth.clientSecretsExternalSecretRef": "the Secret holding both client secrets",
    "configuration.inlineSecretRef": "the Secret's config file with the bcrypt hash of the internal client",
    "configuration.inline.auth": "the login scopes of the spec (auth.user_scopes), which the chart has no key for",
    "configuration.logging.level": "upstream logs at debug (5) everywhere; the production profile logs at info (4)",
}

GKE_STARTER_ALLOWED: dict[str, str] = {
    "configuration.database.passwordPath": "upstream leaves the password empty (Cloud SQL would refuse the login); "
    + SECRETS_BY_REFERENCE,
    "deployment.extraVolumes": SECRETS_BY_REFERENCE,
    "deployment.extraVolumeMounts": SECRETS_BY_REFERENCE,
    "configuration.inline.tasks": INLINE_TASKS,
    "rbac.extraRules": "the chart's own ClusterRole already grants create/get/patch on serviceaccounts (checked "
    "against the rendered ClusterRole below)",
}

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
    """Flat ``path -> value`` of values as Flyte reads them.

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
    return dict(walk_leaves(values))


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """``path -> (ours, theirs)`` wherever the two differ, a path present on one side only included."""
    missing = _Absent()
    return {
        path: (ours.get(path, missing), theirs.get(path, missing))
        for path in sorted(set(ours) | set(theirs))
        if ours.get(path, missing) != theirs.get(path, missing)
    }


def _covers(entry: str, path: str) -> bool:
    return path == entry or path.startswith(entry + ".") or path.startswith(entry + "[")


def assert_equivalent(ours: dict[str, Any], theirs: dict[str, Any], allowed: dict[str, str]) -> None:
    """Every difference is allow-listed, and every allow-list entry still matches a difference (no stale excuses)."""
    diff = differences(ours, theirs)
    unexplained = {p: d for p, d in diff.items() if not any(_covers(entry, p) for entry in allowed)}
    assert not unexplained, "differences without a reason:\n" + "\n".join(f"  {p}: {d}" for p, d in unexplained.items())
    stale = [entry for entry in allowed if not any(_covers(entry, p) for p in diff)]
    assert not stale, f"allow-list entries that no longer differ: {stale}"
    assert all(reason.strip() for reason in allowed.values())


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
def chart_defaults() -> dict[str, Any]:
    return load(CHART / "values.yaml")


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
    chart_defaults: dict[str, Any],
    preset: str,
    upstream: str,
    inputs: tuple[dict[str, Any], ...],
    allowed: dict[str, str],
    placeholders: dict[str, str],
) -> None:
    ours = meaning(deep_merge(chart_defaults, emitted(fed(preset, *inputs))))
    theirs = meaning(deep_merge(chart_defaults, load(CHART / upstream)), placeholders)
    assert_equivalent(ours, theirs, allowed)


def test_allow_lists_stay_small() -> None:
    for _, _, _, allowed, _ in CASES:
        assert len(allowed) <= 15


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


def rendered(name: str) -> list[dict[str, Any]]:
    path = REFERENCE / "rendered" / "flyte-binary" / f"{name}_helm_generated.yaml"
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def find(docs: list[dict[str, Any]], kind: str, suffix: str) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"].endswith(suffix)]
    return doc


@pytest.mark.parametrize(
    ("name", "inputs"), [("eks-starter", (COMMON_INPUTS, EKS_INPUTS)), ("gke-starter", (COMMON_INPUTS, GKE_INPUTS))]
)
def test_cluster_resource_templates_match_the_rendered_config_map(
    name: str, inputs: tuple[dict[str, Any], ...]
) -> None:
    data = find(rendered(name), "ConfigMap", "-cluster-resource-templates")["data"]
    ours = emitted(fed(name, *inputs))["clusterResourceTemplates"]["inline"]
    assert {k: yaml.safe_load(v) for k, v in ours.items()} == {k: yaml.safe_load(v) for k, v in data.items()}
    # Flyte's runtime placeholders reach the cluster as text, unexpanded
    assert "'{{ namespace }}'" in ours["001_namespace.yaml"]


def test_inline_config_matches_the_rendered_config_map_but_the_redundant_tasks() -> None:
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


def test_log_link_reaches_the_config_map_raw() -> None:
    config = find(rendered("eks-starter"), "ConfigMap", "-config")["data"]
    logs = yaml.safe_load(config["001-plugins.yaml"])["plugins"]["logs"]
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["configuration"]["logging"]["plugins"]
    assert ours["cloudwatch"]["templateUri"] == logs["cloudwatch-template-uri"]
    assert "{{ .podName }}" in logs["cloudwatch-template-uri"]


def test_service_account_annotation_matches_the_rendered_one() -> None:
    account = find(rendered("eks-starter"), "ServiceAccount", "-flyte-binary")
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["serviceAccount"]["annotations"]
    assert ours == account["metadata"]["annotations"]


def test_rendered_cluster_role_already_grants_upstream_extra_rules() -> None:
    """Why rbac.extraRules of gke-starter is allow-listed: the base rules cover every verb it adds."""
    rules = find(rendered("gke-starter"), "ClusterRole", "-cluster-role")["rules"]
    extra = load(CHART / "gke-starter.yaml")["rbac"]["extraRules"]
    base = rules[: len(rules) - len(extra)]
    for rule in extra:
        assert any(
            set(rule["apiGroups"]) <= set(b["apiGroups"])
            and set(rule["resources"]) <= set(b["resources"])
            and set(rule["verbs"]) <= set(b["verbs"])
            for b in base
        ), rule


def test_rendered_alb_ingress_never_uses_the_app_root_action() -> None:
    """Why ingress.httpAnnotations of the EKS starters is allow-listed."""
    http = find(rendered("eks-starter"), "Ingress", "-http")
    backends = [p["backend"]["service"]["name"] for rule in http["spec"]["rules"] for p in rule["http"]["paths"]]
    assert "app-root" not in backends
    assert "alb.ingress.kubernetes.io/actions.app-root" in http["metadata"]["annotations"]


def test_rendered_starters_have_two_ingresses() -> None:
    """separateGrpcIngress exists in flyte-binary v1.16.8 (default true): gRPC gets its own Ingress."""
    kinds = [(d["kind"], d["metadata"]["name"]) for d in rendered("eks-starter") if d["kind"] == "Ingress"]
    assert sorted(name.rsplit("-", 1)[1] for _, name in kinds) == ["grpc", "http"]
    ours = emitted(fed("eks-starter", COMMON_INPUTS, EKS_INPUTS))["ingress"]
    assert ours["separateGrpcIngress"] is True
