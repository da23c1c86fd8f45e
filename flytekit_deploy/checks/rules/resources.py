"""Resource rules: "resource constraints" that stop pods before they run.

Kubernetes rejects a container whose request exceeds its limit, and a ResourceQuota rejects every task pod
that asks for more than the quota holds. The sum of component requests against a quota is not meaningful
(the Flyte services do not run in the project namespaces the quotas apply to), so quotas are compared with
what one default task pod asks for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...spec import Component, Resources, is_placeholder, parse_quantity
from ..findings import Finding
from ._base import ERROR, WARNING, Rule, RuleContext, finding

__all__ = ["RULES", "task_default_requests"]

CHAPTER = "configuration"
_MIB = Decimal(2) ** 20


def _number(text: Any) -> Decimal | None:
    """A quantity as a number; None for a placeholder or anything that is not a quantity."""
    if text is None or is_placeholder(str(text)):
        return None
    try:
        return parse_quantity(str(text))
    except (InvalidOperation, ValueError):
        return None


def _components(ctx: RuleContext) -> Iterator[tuple[str, Component]]:
    components = ctx.spec.components
    for name in type(components).model_fields:
        value = getattr(components, name)
        if isinstance(value, Component):
            yield name, value


def requests_within_limits(ctx: RuleContext) -> Iterator[Finding]:
    """A request above its limit is rejected by the API server: the Deployment never gets a pod."""
    for name, component in _components(ctx):
        if not component.enabled:
            continue
        res: Resources = component.resources
        for kind in ("cpu", "memory"):
            request, limit = getattr(res, f"{kind}_request"), getattr(res, f"{kind}_limit")
            low, high = _number(request), _number(limit)
            if low is not None and high is not None and low > high:
                yield finding(
                    ERROR,
                    f"components.{name}.resources.{kind}_request",
                    f"{name}: the {kind} request {request} is above the limit {limit}; Kubernetes rejects the pod",
                    f"lower components.{name}.resources.{kind}_request or raise the {kind}_limit",
                    CHAPTER,
                    "resources.request-above-limit",
                )


def quantity_units(ctx: RuleContext) -> Iterator[Finding]:
    """Valid quantities in the wrong unit: ``cpu: 512Mi`` is half a billion cores, ``memory: 512`` is 512 bytes."""
    for name, component in _components(ctx):
        res = component.resources
        for field in ("cpu_request", "cpu_limit"):
            value = _number(getattr(res, field))
            if value is not None and value > 512:
                yield finding(
                    ERROR,
                    f"components.{name}.resources.{field}",
                    f"{name}: {field} {getattr(res, field)} is {value:,.0f} cores; no node has that many",
                    "write CPU in cores or millicores, e.g. 500m or 2",
                    CHAPTER,
                    "resources.units",
                )
        for field in ("memory_request", "memory_limit", "ephemeral_storage"):
            value = _number(getattr(res, field))
            if value is not None and value < 16 * _MIB:
                yield finding(
                    ERROR,
                    f"components.{name}.resources.{field}",
                    f"{name}: {field} {getattr(res, field)} is {value:,.0f} bytes; the container would be killed "
                    "at start",
                    "write memory with a unit, e.g. 512Mi or 2Gi",
                    CHAPTER,
                    "resources.units",
                )
    for domain, quota in ctx.spec.projects.quotas.items():
        value = _number(quota.memory)
        if value is not None and value < 16 * _MIB:
            yield finding(
                ERROR,
                f"projects.quotas.{domain}.memory",
                f"the {domain} memory quota {quota.memory} is {value:,.0f} bytes: no task fits",
                "write memory with a unit, e.g. 4000Mi or 8Gi",
                CHAPTER,
                "resources.units",
            )


def task_default_requests(ctx: RuleContext) -> dict[str, str]:
    """What one task pod asks for when its task sets nothing: FlyteAdmin's task_resources.defaults as emitted,
    over the chart's default. Empty when the chart leaves it to FlyteAdmin's built-in default."""
    layout = ctx.layout
    if layout is None or not layout.task_defaults:
        return {}
    found: dict[str, str] = {k: str(v) for k, v in layout.task_defaults_default.items()}
    for release in ctx.main_releases:
        if release.role in ("data-plane",):
            continue
        emitted = layout.read(release.values, layout.task_defaults)
        if isinstance(emitted, Mapping):
            found.update({str(k): str(v) for k, v in emitted.items() if v is not None})
        break
    return found


def quotas(ctx: RuleContext) -> Iterator[Finding]:
    """Each domain's quota must hold at least one default task pod, and name a domain that exists."""
    spec = ctx.spec
    if not spec.projects.quotas:
        return
    domains = set(spec.projects.domains)
    defaults: dict[str, str] | None = None
    for domain, quota in spec.projects.quotas.items():
        if domain not in domains:
            yield finding(
                WARNING,
                f"projects.quotas.{domain}",
                f"a quota for {domain!r}, which is not one of the domains ({', '.join(spec.projects.domains)}): "
                "it is never applied",
                "rename the quota to an existing domain, or add the domain to projects.domains",
                CHAPTER,
                "resources.quota-domain",
            )
            continue
        if defaults is None:
            defaults = task_default_requests(ctx)
        for kind in ("cpu", "memory"):
            limit, request = _number(getattr(quota, kind)), _number(defaults.get(kind))
            if limit is not None and request is not None and limit < request:
                yield finding(
                    ERROR,
                    f"projects.quotas.{domain}.{kind}",
                    f"the {domain} quota allows {getattr(quota, kind)} {kind}, less than the {defaults[kind]} a task "
                    "asks for by default: every task pod without its own resources is rejected (exceeded quota)",
                    f"raise projects.quotas.{domain}.{kind} to at least {defaults[kind]}, or lower the task default",
                    CHAPTER,
                    "resources.quota-below-task-default",
                )


def _both_in_spec(ctx: RuleContext, name: str, kind: str) -> bool:
    component = getattr(ctx.spec.components, name, None)
    if not isinstance(component, Component):
        return False
    res = component.resources
    return getattr(res, f"{kind}_request") is not None and getattr(res, f"{kind}_limit") is not None


def effective_resources(ctx: RuleContext) -> Iterator[Finding]:
    """Requests and limits as the pod gets them: the emitted values merged over the chart's defaults.

    Setting only a request above the chart's default limit (flyte-core gives FlyteAdmin 500Mi) is the common
    way to end up with request > limit without writing a limit at all.
    """
    layout = ctx.layout
    if layout is None or not layout.resources:
        return
    for release in ctx.main_releases:
        for name, path in layout.resources.items():
            defaults = layout.resource_defaults.get(path, {})
            emitted = layout.read(release.values, path)
            emitted = emitted if isinstance(emitted, Mapping) else {}
            requests = {**defaults.get("requests", {}), **(emitted.get("requests") or {})}
            limits = {**defaults.get("limits", {}), **(emitted.get("limits") or {})}
            for kind, request in requests.items():
                low, high = _number(request), _number(limits.get(kind))
                if low is None or high is None or low <= high:
                    continue
                spec_kind = {"cpu": "cpu", "memory": "memory"}.get(str(kind))
                if spec_kind and _both_in_spec(ctx, name, spec_kind):
                    continue  # requests_within_limits reports it at the spec fields
                yield finding(
                    ERROR,
                    f"components.{name}.resources" + (f".{spec_kind}_limit" if spec_kind else ""),
                    f"{release.filename}: {layout.where(path)} requests {kind} {request} but the limit is "
                    f"{limits.get(kind)}"
                    + ("" if kind in (emitted.get("limits") or {}) else " (the chart's default)")
                    + "; Kubernetes rejects the pod",
                    f"set components.{name}.resources.{spec_kind}_limit at or above {request}"
                    if spec_kind
                    else f"set {layout.where(path)}.limits.{kind} at or above {request}",
                    CHAPTER,
                    "resources.request-above-limit",
                )


RULES: tuple[Rule, ...] = (requests_within_limits, effective_resources, quantity_units, quotas)
