"""Which fields apply to the deployment being edited.

A field that does not apply is hidden and left out of the data the spec is built from, so a value typed for one
choice (an S3-compatible endpoint, OIDC settings, data planes) never lingers in the spec after another is made.
Rules are keyed by schema path (list indices blanked: ``clusters.data_planes[].name``) and read the form's current
raw input through a lookup, never the last valid spec (which may be stale).

Two rules are generic and need no entry here: a field marked secret (an inline Secret value) applies to the
sandbox model only, and in a model with an ``enabled`` switch the other fields apply only while it is on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..clouds import NO_CLOUD_IDENTITY, stores
from ..spec import (
    DEFAULT_IDENTITY,
    Auth,
    AuthMode,
    DeploymentModel,
    Environment,
    IngressController,
    IngressKind,
    LogProvider,
    SchedulerKind,
    StorageCredentials,
    TlsMode,
)
from ..spec.model import ENVIRONMENT_SECTIONS

__all__ = ["Lookup", "Rule", "RULES", "applies", "secret_applies", "effective_identity_mode"]

Lookup = Callable[[str], Any]
"""Current raw input at a field path (an enum field gives its ``.value`` text)."""
Rule = Callable[[Lookup], bool]


def _is(path: str, *values: str) -> Rule:
    return lambda get: get(path) in values


def _is_not(path: str, value: str) -> Rule:
    return lambda get: get(path) != value


def _contains(path: str, item: str) -> Rule:
    return lambda get: item in (get(path) or ())


def effective_identity_mode(get: Lookup) -> str:
    """The identity mode the spec will use: the one chosen, or the environment's default."""
    chosen = get("identity.mode")
    if chosen:
        return str(chosen)
    try:
        return DEFAULT_IDENTITY[Environment(get("environment"))].value
    except ValueError:
        return NO_CLOUD_IDENTITY.value


def _rules() -> dict[str, Rule]:
    multi = _is("model", DeploymentModel.MULTI_CLUSTER.value)
    rules: dict[str, Rule] = {section: _is("environment", env.value) for env, section in ENVIRONMENT_SECTIONS.items()}
    oidc = _is_not("auth.mode", AuthMode.NONE.value)
    rules |= {f"auth.{name}": oidc for name in Auth.model_fields if name != "mode"}
    external = _is("auth.mode", AuthMode.OIDC_EXTERNAL.value)
    rules |= {"auth.external_audience": external, "auth.external_scopes": external}
    rules |= {
        "storage.endpoint": _is("storage.provider", *(p.value for p, s in stores().items() if s.takes_endpoint)),
        "storage.region": _is("storage.provider", *(p.value for p, s in stores().items() if s.takes_region)),
        "storage.access_key": _is("storage.credentials", StorageCredentials.SECRET.value),
        "storage.secret_key": _is("storage.credentials", StorageCredentials.SECRET.value),
        "clusters.data_planes": multi,
        "clusters.admin_endpoint": multi,
        "clusters.control_plane_runs_workloads": multi,
        "connectors": _is("model", DeploymentModel.HYBRID.value),
        "ingress.tls.cluster_issuer": _is("ingress.tls.mode", TlsMode.CERT_MANAGER.value),
        "ingress.tls.certificate_arn": _is("ingress.tls.mode", TlsMode.ACM.value),
        "ingress.tls.secret_name": _is("ingress.tls.mode", TlsMode.SECRET.value),
        "components.scheduler.aws_queue": _is("components.scheduler.kind", SchedulerKind.AWS.value),
        "components.scheduler.aws_scheduler_role_arn": _is("components.scheduler.kind", SchedulerKind.AWS.value),
        "observability.logs.kubernetes_url": _contains("observability.logs.providers", LogProvider.KUBERNETES.value),
        "observability.logs.cloudwatch_log_group": _contains(
            "observability.logs.providers", LogProvider.CLOUDWATCH.value
        ),
        "observability.logs.stackdriver_log_resource": _contains(
            "observability.logs.providers", LogProvider.STACKDRIVER.value
        ),
        "observability.logs.azure_workspace_url": _contains("observability.logs.providers", LogProvider.AZURE.value),
        "observability.logs.custom": _contains("observability.logs.providers", LogProvider.CUSTOM.value),
    }
    gateway = _is("ingress.kind", IngressKind.GATEWAY_API.value)
    chart_ingress: Rule = lambda get: not gateway(get) and get("ingress.controller") != IngressController.NONE.value  # noqa: E731
    published: Rule = lambda get: gateway(get) or chart_ingress(get)  # noqa: E731
    rules |= {f"ingress.{name}": published for name in ("host", "tls")}
    rules |= {f"ingress.{name}": chart_ingress for name in ("separate_grpc", "annotations")}
    rules |= {"ingress.controller": lambda get: not gateway(get), "ingress.gateway": gateway}
    cloud_identity: Rule = lambda get: effective_identity_mode(get) != NO_CLOUD_IDENTITY.value  # noqa: E731
    rules |= {f"identity.{name}": cloud_identity for name in ("backend", "propeller", "tasks", "tasks_per_domain")}
    return rules


RULES: dict[str, Rule] = _rules()


def applies(schema: str, get: Lookup) -> bool:
    """Whether the field at ``schema`` (a :func:`~.fields.schema_path`) applies to the current input."""
    rule = RULES.get(schema)
    return True if rule is None else bool(rule(get))


def secret_applies(get: Lookup) -> bool:
    """Inline Secret values are accepted in the sandbox model only; elsewhere they would land in values files."""
    return bool(get("model") == DeploymentModel.SANDBOX.value)


def rule_paths() -> Iterable[str]:
    """The schema paths that have a rule (tests check each names a real field)."""
    return RULES.keys()
