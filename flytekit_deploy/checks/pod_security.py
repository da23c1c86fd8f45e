"""Pod Security Standards (``baseline`` and ``restricted``) applied to the pods a plan renders.

Clusters that enforce Pod Security admission refuse a pod at ``restricted`` for any of the rules below; a render
that passes here passes admission. The rules follow the Kubernetes "Pod Security Standards" page (policy version
``latest`` as of Kubernetes 1.29-1.31): every workload kind (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
CronJob, Pod), every container kind (init, regular, ephemeral), pod-level settings inherited by containers where
the standard allows it (``runAsNonRoot``, ``runAsUser``, ``seccompProfile``).

Each violation is one :class:`~.findings.Finding` whose path names the values file, the object, the container
and the field (``values-flyte-core.yaml: Deployment/flyteadmin container flyteadmin: securityContext.X``) and
whose fix names the values key the chart reads (from :mod:`flytekit_deploy.charts.hardening`) or, where the chart
hard-codes the field, the kit's post-renderer.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..charts.hardening import POSTRENDER_COMMAND, values_key_for
from .findings import Finding, Severity
from .render import RenderedObject

if TYPE_CHECKING:
    from ..plan import Plan
    from ..spec import DeploymentSpec
    from .chart_source import ChartSet
    from .plan_render import PlanRender

__all__ = [
    "BASELINE",
    "RESTRICTED",
    "Violation",
    "pod_violations",
    "object_violations",
    "pod_security_findings",
    "as_installed",
    "pod_security_table",
    "pod_security_doctor",
    "pod_security_report",
]

BASELINE = "baseline"
RESTRICTED = "restricted"
CHAPTER = "security"

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
RESTRICTED_VOLUMES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)
SECCOMP_OK = frozenset({"RuntimeDefault", "Localhost"})
APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


@dataclass(frozen=True)
class Violation:
    """One rule broken by one pod (``container`` empty) or one of its containers."""

    level: str  # baseline or restricted: the lowest profile that forbids it
    rule: str
    container: str
    field: str
    message: str


def _pod_template(obj: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """(pod metadata, pod spec) of a workload object, or None when it holds no pod."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return obj.get("metadata") or {}, spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if kind not in WORKLOAD_KINDS:
        return None
    template = spec.get("template") or {}
    return template.get("metadata") or {}, template.get("spec") or {}


def _containers(pod: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in pod.get(key) or []:
            yield key, container


def _baseline(meta: Mapping[str, Any], pod: Mapping[str, Any]) -> Iterator[Violation]:
    psc = pod.get("securityContext") or {}
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(key):
            yield Violation(BASELINE, "host-namespaces", "", key, f"{key}: true shares the node's namespace")
    if (psc.get("windowsOptions") or {}).get("hostProcess"):
        yield Violation(BASELINE, "host-process", "", "securityContext.windowsOptions.hostProcess", "host process")
    for volume in pod.get("volumes") or []:
        if "hostPath" in volume:
            yield Violation(BASELINE, "host-path", "", f"volumes[{volume.get('name')}].hostPath", "hostPath volume")
    for sysctl in psc.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            yield Violation(BASELINE, "sysctls", "", "securityContext.sysctls", f"unsafe sysctl {sysctl.get('name')}")
    yield from _selinux("", psc)
    yield from _seccomp_unconfined("", psc)
    yield from _apparmor_field("", psc)
    annotations = meta.get("annotations") or {}
    for key, value in annotations.items():
        if key.startswith(APPARMOR_PREFIX) and not (value == "runtime/default" or str(value).startswith("localhost/")):
            yield Violation(
                BASELINE,
                "apparmor",
                key.removeprefix(APPARMOR_PREFIX),
                f"metadata.annotations[{key}]",
                f"AppArmor profile {value} (only runtime/default or localhost/*)",
            )
    for _, container in _containers(pod):
        name = str(container.get("name", ""))
        csc = container.get("securityContext") or {}
        if csc.get("privileged"):
            yield Violation(BASELINE, "privileged", name, "securityContext.privileged", "privileged container")
        if (csc.get("windowsOptions") or {}).get("hostProcess"):
            yield Violation(
                BASELINE, "host-process", name, "securityContext.windowsOptions.hostProcess", "host process"
            )
        added = set((csc.get("capabilities") or {}).get("add") or [])
        if added - BASELINE_CAPABILITIES:
            extra = ", ".join(sorted(added - BASELINE_CAPABILITIES))
            yield Violation(
                BASELINE, "capabilities", name, "securityContext.capabilities.add", f"adds capabilities {extra}"
            )
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                yield Violation(BASELINE, "host-ports", name, "ports[].hostPort", f"hostPort {port.get('hostPort')}")
        if csc.get("procMount", "Default") != "Default":
            yield Violation(
                BASELINE, "proc-mount", name, "securityContext.procMount", f"procMount {csc.get('procMount')}"
            )
        yield from _selinux(name, csc)
        yield from _seccomp_unconfined(name, csc)
        yield from _apparmor_field(name, csc)


def _selinux(container: str, sc: Mapping[str, Any]) -> Iterator[Violation]:
    options = sc.get("seLinuxOptions") or {}
    if options.get("type", "") not in SELINUX_TYPES:
        yield Violation(
            BASELINE,
            "selinux",
            container,
            "securityContext.seLinuxOptions.type",
            f"SELinux type {options.get('type')} (only container_t, container_init_t, container_kvm_t)",
        )
    for key in ("user", "role"):
        if options.get(key):
            yield Violation(
                BASELINE, "selinux", container, f"securityContext.seLinuxOptions.{key}", f"SELinux {key} is set"
            )


def _seccomp_unconfined(container: str, sc: Mapping[str, Any]) -> Iterator[Violation]:
    if (sc.get("seccompProfile") or {}).get("type") == "Unconfined":
        yield Violation(BASELINE, "seccomp", container, "securityContext.seccompProfile.type", "seccomp Unconfined")


def _apparmor_field(container: str, sc: Mapping[str, Any]) -> Iterator[Violation]:
    profile = (sc.get("appArmorProfile") or {}).get("type")
    if profile is not None and profile not in SECCOMP_OK:
        yield Violation(
            BASELINE, "apparmor", container, "securityContext.appArmorProfile.type", f"AppArmor profile {profile}"
        )


def _restricted(pod: Mapping[str, Any]) -> Iterator[Violation]:
    psc = pod.get("securityContext") or {}
    for volume in pod.get("volumes") or []:
        kinds = [k for k in volume if k != "name"]
        bad = [k for k in kinds if k not in RESTRICTED_VOLUMES and k != "hostPath"]  # hostPath: baseline says it
        if bad:
            yield Violation(
                RESTRICTED, "volume-types", "", f"volumes[{volume.get('name')}].{bad[0]}", f"{bad[0]} volume"
            )
    if psc.get("runAsUser") == 0:
        yield Violation(RESTRICTED, "run-as-user", "", "securityContext.runAsUser", "runAsUser: 0 (root)")
    pod_non_root = psc.get("runAsNonRoot") is True
    pod_seccomp = (psc.get("seccompProfile") or {}).get("type") in SECCOMP_OK
    for _, container in _containers(pod):
        name = str(container.get("name", ""))
        csc = container.get("securityContext") or {}
        if csc.get("allowPrivilegeEscalation") is not False:
            yield Violation(
                RESTRICTED,
                "privilege-escalation",
                name,
                "securityContext.allowPrivilegeEscalation",
                "allowPrivilegeEscalation must be false",
            )
        non_root = csc.get("runAsNonRoot")
        if non_root is False or (non_root is None and not pod_non_root):
            yield Violation(
                RESTRICTED, "run-as-non-root", name, "securityContext.runAsNonRoot", "runAsNonRoot must be true"
            )
        if csc.get("runAsUser") == 0:
            yield Violation(RESTRICTED, "run-as-user", name, "securityContext.runAsUser", "runAsUser: 0 (root)")
        seccomp = (csc.get("seccompProfile") or {}).get("type")
        if (seccomp is None and not pod_seccomp) or (seccomp is not None and seccomp not in SECCOMP_OK):
            yield Violation(
                RESTRICTED,
                "seccomp",
                name,
                "securityContext.seccompProfile.type",
                "seccompProfile must be RuntimeDefault or Localhost (pod or container)",
            )
        capabilities = csc.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            yield Violation(
                RESTRICTED, "capabilities", name, "securityContext.capabilities.drop", "capabilities must drop ALL"
            )
        added = set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}
        if added and not (added - BASELINE_CAPABILITIES):  # beyond baseline is reported by the baseline rule
            yield Violation(
                RESTRICTED,
                "capabilities",
                name,
                "securityContext.capabilities.add",
                f"adds {', '.join(sorted(added))} (only NET_BIND_SERVICE)",
            )


def pod_violations(meta: Mapping[str, Any], pod: Mapping[str, Any], level: str = RESTRICTED) -> list[Violation]:
    """Every rule of ``level`` (``baseline`` or ``restricted``, which includes baseline) that the pod breaks."""
    if level not in (BASELINE, RESTRICTED):
        raise ValueError(f"unknown Pod Security level {level!r} (baseline or restricted)")
    found = list(_baseline(meta, pod))
    if level == RESTRICTED:
        found += list(_restricted(pod))
    return found


def object_violations(obj: Mapping[str, Any], level: str = RESTRICTED) -> list[Violation]:
    """:func:`pod_violations` of a rendered object; objects without a pod have none."""
    template = _pod_template(obj) if isinstance(obj, Mapping) else None
    return pod_violations(*template, level=level) if template else []


def _fix(chart: str, kind: str, name: str, violation: Violation) -> str:
    key = values_key_for(chart, name, violation.container, violation.field)
    if key:
        return f"set {key} in the values (hardening: restricted does), or install with --post-renderer " + (
            POSTRENDER_COMMAND
        )
    return (
        f"the {chart} chart hard-codes this part of {kind}/{name}: install with --post-renderer {POSTRENDER_COMMAND} "
        "(the plan's helm commands add it when hardening is restricted)"
    )


def _is_hook(body: Any) -> bool:
    annotations = (body.get("metadata") or {}).get("annotations") or {} if isinstance(body, Mapping) else {}
    return "helm.sh/hook" in annotations


def as_installed(plan: Plan, rendered: PlanRender) -> PlanRender:
    """``rendered`` as the cluster receives it: when the plan's helm commands carry the kit's
    ``--post-renderer`` (:func:`~flytekit_deploy.plan.commands.postrender_flag`), each release gets its objects through :func:`~flytekit_deploy.charts.postrender.harden_objects`, the
    function Helm runs (tests compare it with ``helm template --post-renderer``). Hooks stay as rendered: Helm 3
    passes only the release's manifests, not its hooks, to a post-renderer."""
    from ..charts.postrender import harden_objects
    from ..plan.commands import postrender_flag
    from .plan_render import PlanRender

    hardened = bool(postrender_flag(plan.spec))  # the flag every helm command of the plan carries, or none
    out = PlanRender(failures=list(rendered.failures))
    for filename, result in rendered.results.items():
        if not hardened:
            out.results[filename] = result
            continue
        hooks = tuple(obj for obj in result.objects if _is_hook(obj.body))  # Helm 3 post-renders no hooks
        bodies = harden_objects([copy.deepcopy(o.body) for o in result.objects if o.body and o not in hooks])
        objects = tuple(RenderedObject(source="post-renderer", index=i, body=b) for i, b in enumerate(bodies))
        out.results[filename] = replace(result, objects=objects + hooks)
    return out


def pod_security_findings(
    plan: Plan, rendered: PlanRender, level: str = RESTRICTED, severity: Severity = Severity.WARNING
) -> list[Finding]:
    """One finding per violation in every release of ``plan`` that rendered (``rendered`` from
    :func:`~.plan_render.render_plan`): for ``doctor``, the wiki, and the tests of the presets."""
    charts = {release.filename: release.chart.value for release in plan.releases}
    found: list[Finding] = []
    for filename, result in rendered.results.items():
        for obj in result.objects:
            if obj.kind not in WORKLOAD_KINDS:
                continue
            for violation in object_violations(obj.body, level):
                where = f"{filename}: {obj.kind}/{obj.name}"
                if violation.container:
                    where += f" container {violation.container}"
                found.append(
                    Finding(
                        severity=severity,
                        path=f"{where}: {violation.field}",
                        message=f"Pod Security {violation.level}: {violation.message}; a namespace enforcing "
                        f"{level} refuses this pod",
                        fix=_fix(charts.get(filename, result.chart), obj.kind, obj.name, violation),
                        chapter=CHAPTER,
                        rule=f"pod-security.{violation.rule}",
                    )
                )
    return found


def pod_security_table(renders: Mapping[str, tuple[Plan, PlanRender]]) -> list[dict[str, Any]]:
    """One row per preset: workloads, baseline and restricted violations, the rules broken (for the wiki).

    ``renders`` maps a preset name to its ``(plan, render)`` (see
    :func:`pod_security_report`, which builds them)."""
    rows: list[dict[str, Any]] = []
    for name, (plan, rendered) in renders.items():
        workloads = sum(
            1 for result in rendered.results.values() for obj in result.objects if obj.kind in WORKLOAD_KINDS
        )
        restricted = pod_security_findings(plan, rendered, RESTRICTED)
        baseline = [f for f in restricted if "Pod Security baseline" in f.message]
        rows.append(
            {
                "preset": name,
                "profile": plan.spec.profile.value,
                "hardening": plan.spec.hardening_level.value,
                "workloads": workloads,
                "baseline violations": len(baseline),
                "restricted violations": len(restricted),
                "rules broken": ", ".join(sorted({f.rule.removeprefix("pod-security.") for f in restricted})) or "-",
                "render": f"{len(rendered.failures)} release(s) did not render" if rendered.failures else "ok",
            }
        )
    return rows


def _render_spec(spec: DeploymentSpec, charts: ChartSet | None) -> tuple[Plan, PlanRender]:
    from ..plan import build_plan
    from .chart_source import locate_chart_source, prepare_charts
    from .plan_render import render_plan

    plan = build_plan(spec)
    chart_set = charts or prepare_charts(locate_chart_source())
    return plan, as_installed(plan, render_plan(plan, chart_set))


def pod_security_doctor(spec: DeploymentSpec, charts: ChartSet | None = None, level: str = RESTRICTED) -> list[Finding]:
    """For ``doctor --pod-security``: render ``spec``'s plan with the real charts, pass it through the post-renderer
    where the install commands use it, and report every Pod Security violation (plus any release that did not
    render). ``charts`` defaults to the prepared v1.16.8 charts found by
    :func:`~.chart_source.locate_chart_source` (a clear error with the ``helm pull`` line when absent)."""
    plan, rendered = _render_spec(spec, charts)
    return [*rendered.failures, *pod_security_findings(plan, rendered, level)]


def pod_security_report(
    presets: Mapping[str, DeploymentSpec] | None = None, charts: ChartSet | None = None
) -> list[dict[str, Any]]:
    """Each preset's Pod Security result as table rows (the wiki's security chapter shows it, generated):
    preset, profile, hardening, workloads, baseline and restricted violations, rules broken."""
    if presets is None:
        from ..presets import get_preset, preset_names

        presets = {name: get_preset(name) for name in preset_names()}
    if charts is None:
        from .chart_source import locate_chart_source, prepare_charts

        charts = prepare_charts(locate_chart_source())
    return pod_security_table({name: _render_spec(spec, charts) for name, spec in presets.items()})
