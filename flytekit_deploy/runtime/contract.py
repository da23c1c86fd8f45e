"""Validate the config a Flyte process reads against the catalogue: sections, keys, types, decoding semantics.

The decoder is flytestdlib's ``config/viper`` ``defaultDecoderConfig``: mapstructure with ``WeaklyTypedInput``,
``TagName: json``, ``ZeroFields: true`` and the hooks jsonUnmarshallerHook, StringToTimeDurationHookFunc,
StringToSliceHookFunc(","), sliceToMapHook (a list of one-key maps becomes a map: how the charts keep key case)
and stringToByteArray (``[]byte`` from standard base64).

Rules (ids in findings):

* ``runtime.yaml`` — a mounted config file that is not YAML or not a map: the process exits at start.
* ``runtime.unknown-section`` / ``runtime.unknown-key`` — Flyte ignores what it does not know (no strict mode), so
  the setting silently does nothing; the nearest known spelling is given.
* ``runtime.type`` — a value the decoder rejects (duration, quantity, boolean, URL, number, list, map): the process
  exits at start.
* ``runtime.duration-unit`` — a bare number where a duration is read: nanoseconds, almost never meant.
* ``runtime.map-drops-defaults`` — a map with non-empty defaults (``staticClients``...) given in the config: the
  decoder zeroes the map first (flytestdlib ``ZeroFields``), so every default entry not repeated is gone.
* ``runtime.bytes-base64`` — a ``[]byte`` field (a static client's ``client_secret``) that is not base64, or whose
  decoded value is not what Flyte compares against (a bcrypt hash).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from ..checks.findings import Finding, Severity
from .catalogue import Field, component_sections, lookup, nearest
from .configs import ProcessConfig
from .values import is_placeholder, problem

__all__ = ["contract_findings", "EXTRA_SECTIONS"]

CHAPTER = "flyte-runtime-config"
# Sections a process reads that the generated reference does not list, with where they are defined.
_BOOL: Field = {"kind": "bool"}
EXTRA_SECTIONS: dict[str, dict[str, Field]] = {
    # flyte-binary's own switches, from flyte/cmd/single/config.go (section "flyte"): which servers it runs.
    "flyte-binary": {
        "flyte": {
            "kind": "struct",
            "type": "single.Config",
            "fields": {
                "propeller": {"kind": "struct", "fields": {"disabled": _BOOL, "disableWebhook": _BOOL}},
                "admin": {
                    "kind": "struct",
                    "fields": {
                        "disabled": _BOOL,
                        "disableScheduler": _BOOL,
                        "disableClusterResourceManager": _BOOL,
                        "seedProjects": {"kind": "list", "item": {"kind": "string"}},
                        "seedProjectsWithDetails": {"kind": "list", "item": {"kind": "opaque"}},
                    },
                },
                "dataCatalog": {"kind": "struct", "fields": {"disabled": _BOOL}},
            },
        }
    },
}
# Keys Flyte reads that the generated reference leaves out (a plugin's sub-section it did not document), with the
# Go source that registers them: checked like catalogue entries, so a typo inside is still caught.
EXTRA_FIELDS: dict[tuple[str, ...], Field] = {
    # flyteplugins go/tasks/plugins/array/awsbatch/config/config.go registers "batch" under the aws plugin section.
    ("plugins", "aws", "batch"): {
        "kind": "struct",
        "type": "awsbatch config.Config",
        "fields": {
            "jobStoreConfig": {"kind": "opaque"},
            "defCacheConfig": {"kind": "opaque"},
            "getRateLimiter": {"kind": "opaque"},
            "defaultRateLimiter": {"kind": "opaque"},
            "maxArrayJobSize": {"kind": "int"},
            "minRetries": {"kind": "int"},
            "maxRetries": {"kind": "int"},
            "roleAnnotationKey": {"kind": "string"},
        },
    },
}
# Where the v1.16.8 chart's own defaults write a key the reference does not have: Flyte ignores it. Each entry is
# (process, key path) -> (what the chart writes, what the reference says). Reported as info, because the kit did
# not write it and the process starts; the chart loses (Flyte's struct decides what is read).
CHART_DEFAULT_DRIFT: dict[tuple[str, str], tuple[str, str]] = {
    ("flyteadmin", "flyteadmin.testing"): (
        "flyte-core values.yaml configmap.adminServer.flyteadmin.testing.host: http://flyteadmin",
        "the flyteadmin section has no key testing (removed from ApplicationConfig)",
    ),
    ("flytescheduler", "scheduler.metricsScope"): (
        "flyte-core values.yaml workflow_scheduler.config.scheduler.metricsScope: 'flyte:'",
        "the scheduler section has profilerPort, eventScheduler, workflowExecutor, reconnect*, no metricsScope",
    ),
    ("flytepropeller", "manager"): (
        "flyte-core templates/propeller/configmap.yaml core.yaml manager: {pod-application: flytepropeller, ...}",
        "the section belongs to flytepropeller-manager, a separate binary; flytepropeller's reference has no manager",
    ),
}
_BCRYPT_PREFIXES = (b"$2a$", b"$2b$", b"$2y$")


class _Walker:
    def __init__(self, process: ProcessConfig) -> None:
        self.process = process
        self.found: list[Finding] = []

    def add(self, severity: Severity, path: tuple[str, ...], rule: str, message: str, fix: str) -> None:
        dotted = ".".join(path)
        where = self.process.source_of(path)
        self.found.append(
            Finding(
                severity=severity,
                path=f"{self.process.filename}: {where}: {dotted}",
                message=f"{self.process.component} ({self.process.workload}) {message}",
                fix=fix,
                chapter=CHAPTER,
                rule=rule,
            )
        )

    def walk(self, value: Any, entry: Field, path: tuple[str, ...]) -> None:
        kind = entry.get("kind", "opaque")
        if kind == "struct":
            self.struct(value, entry.get("fields") or {}, path)
        elif kind == "map":
            self.mapping(value, entry, path)
        elif kind == "list":
            self.sequence(value, entry.get("item") or {"kind": "opaque"}, path)
        else:
            self.scalar(value, kind, path, entry.get("values"))

    def scalar(self, value: Any, kind: str, path: tuple[str, ...], choices: list[str] | None = None) -> None:
        if kind == "enum":
            names = {c.lower() for c in choices or ()}
            if isinstance(value, int) or is_placeholder(value) or str(value).lower() in names:
                return
            self.add(
                Severity.ERROR,
                path,
                "runtime.type",
                f"reads {path[-1]} as one of {', '.join(choices or ())}: {value!r} is not one",
                f"write one of {', '.join(choices or ())}",
            )
            return
        reason = problem(kind, value)
        if reason is None:
            return
        if kind == "duration" and isinstance(value, (int, float)) and not isinstance(value, bool):
            self.add(Severity.WARNING, path, "runtime.duration-unit", reason, f"write {path[-1]}: {value}s (or ms, m)")
            return
        if kind == "bytes":
            self.add(Severity.ERROR, path, "runtime.bytes-base64", reason, _BYTES_FIX)
            return
        self.add(Severity.ERROR, path, "runtime.type", f"reads {path[-1]} as {kind}: {reason}", _type_fix(kind))

    def struct(self, value: Any, fields: dict[str, Field], path: tuple[str, ...]) -> None:
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            for item in value:  # flytestdlib's sliceToMapHook merges a list of maps
                self.struct(item, fields, path)
            return
        if value is None:
            return
        if not isinstance(value, Mapping):
            if not is_placeholder(value):
                self.add(
                    Severity.ERROR,
                    path,
                    "runtime.type",
                    f"reads {'.'.join(path)} as a map, got {value!r}",
                    "give a map of the keys the reference lists",
                )
            return
        for key, item in value.items():
            found = lookup(fields, str(key))
            extra = EXTRA_FIELDS.get((*path, str(key)))
            if found is None and extra is not None:
                found = (str(key), extra)
            if found is None and self.drift((*path, str(key))):
                continue
            if found is None:
                close = nearest(str(key), list(fields))
                hint = f" (did you mean {close!r}?)" if close else ""
                self.add(
                    Severity.ERROR,
                    (*path, str(key)),
                    "runtime.unknown-key",
                    f"does not read {'.'.join((*path, str(key)))}{hint}: Flyte ignores it silently",
                    f"rename it to {close!r}"
                    if close
                    else f"remove it; known keys here: {', '.join(sorted(fields)[:12])}",
                )
                continue
            name, entry = found
            self.walk(item, entry, (*path, name))
            self.defaults_dropped(item, entry, (*path, name))

    def mapping(self, value: Any, entry: Field, path: tuple[str, ...]) -> None:
        if value is None or is_placeholder(value):
            return
        if isinstance(value, list):
            if all(isinstance(v, Mapping) for v in value):  # sliceToMapHook: a list of maps merges into one map
                merged: dict[str, Any] = {}
                for item in value:
                    merged.update(item)
                value = merged
            else:
                self.add(
                    Severity.ERROR,
                    path,
                    "runtime.type",
                    f"reads {'.'.join(path)} as a map, got a list",
                    "give a map (key: value)",
                )
                return
        if not isinstance(value, Mapping):
            self.add(
                Severity.ERROR,
                path,
                "runtime.type",
                f"reads {'.'.join(path)} as a map, got {value!r}",
                "give a map (key: value)",
            )
            return
        inner = entry.get("value") or {"kind": "opaque"}
        for key, item in value.items():
            self.walk(item, inner, (*path, str(key)))

    def sequence(self, value: Any, item: Field, path: tuple[str, ...]) -> None:
        if value is None or is_placeholder(value):
            return
        if isinstance(value, Mapping):
            self.add(
                Severity.ERROR,
                path,
                "runtime.type",
                f"reads {'.'.join(path)} as a list, got a map",
                "give a YAML list (- item)",
            )
            return
        items = value if isinstance(value, list) else [value]  # a scalar is lifted to a one-item list
        for i, element in enumerate(items):
            self.walk(element, item, (*path, str(i)))

    def drift(self, path: tuple[str, ...]) -> bool:
        known = CHART_DEFAULT_DRIFT.get((self.process.component, ".".join(path)))
        if known is None:
            return False
        chart, reference = known
        self.add(
            Severity.INFO,
            path,
            "runtime.chart-default-ignored",
            f"ignores {'.'.join(path)}, which the chart's defaults write ({chart}); reference: {reference}",
            "nothing to do: harmless, the chart writes a key Flyte no longer reads",
        )
        return True

    def defaults_dropped(self, value: Any, entry: Field, path: tuple[str, ...]) -> None:
        default = entry.get("default")
        if entry.get("kind") != "map" or not isinstance(default, Mapping) or not default:
            return
        given = value if isinstance(value, Mapping) else {}
        if isinstance(value, list):
            given = {k: v for m in value if isinstance(m, Mapping) for k, v in m.items()}
        lost = sorted(k for k in default if k not in given)
        if value is None or not lost:
            return
        self.add(
            Severity.ERROR,
            path,
            "runtime.map-drops-defaults",
            f"replaces the default {path[-1]} map whole (flytestdlib zeroes a map before decoding): "
            f"{', '.join(lost)} {'is' if len(lost) == 1 else 'are'} gone",
            f"repeat the default entries {', '.join(lost)} in {'.'.join(path)} (values as in the reference)",
        )


_BYTES_FIX = (
    "store base64(bcrypt(secret)): `flytekit-deploy secrets auth-client` prints both the raw secret (for the client) "
    "and the base64 bcrypt value (for client_secret)"
)


def _type_fix(kind: str) -> str:
    return {
        "duration": "write a Go duration with a unit: 30s, 5m, 1h",
        "quantity": "write a Kubernetes quantity: 500m, 2, 1Gi",
        "bool": "write true or false",
        "int": "write a whole number",
        "port": "write a port number",
        "float": "write a number",
        "url": "write a URL with a scheme (https://host, dns:///host)",
    }.get(kind, f"write a {kind}")


def _bcrypt_check(walker: _Walker) -> None:
    """A static client's secret must decode to a bcrypt hash: Flyte compares with bcrypt."""
    clients = _dig(walker.process.merged, ("auth", "appAuth", "selfAuthServer", "staticClients"))
    if not isinstance(clients, Mapping):
        return
    for name, client in clients.items():
        secret = client.get("client_secret") if isinstance(client, Mapping) else None
        if not isinstance(secret, str) or is_placeholder(secret):
            continue
        try:
            raw = base64.b64decode(secret, validate=True)
        except (binascii.Error, ValueError):
            continue  # reported as not base64 already
        if not raw.startswith(_BCRYPT_PREFIXES):
            path = ("auth", "appAuth", "selfAuthServer", "staticClients", str(name), "client_secret")
            walker.add(
                Severity.ERROR,
                path,
                "runtime.bytes-base64",
                "decodes client_secret to something that is not a bcrypt hash: no client secret will match",
                _BYTES_FIX,
            )


def _dig(node: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = next((v for k, v in node.items() if str(k).lower() == part.lower()), None)
    return node


def contract_findings(process: ProcessConfig) -> list[Finding]:
    """Every contract finding for one process's merged config (and each unreadable file)."""
    walker = _Walker(process)
    for item in process.files:
        if item.error:
            walker.found.append(
                Finding(
                    Severity.ERROR,
                    f"{process.filename}: {item.source}",
                    f"{process.component} ({process.workload}) cannot read {item.source}: {item.error}",
                    "fix the YAML of that file (the values key that fills it)",
                    CHAPTER,
                    "runtime.yaml",
                )
            )
    sections = component_sections(process.component)
    extra = EXTRA_SECTIONS.get(process.component, {})
    for key, value in process.merged.items():
        found = lookup(sections, str(key)) or lookup(extra, str(key))
        if found is None:
            if walker.drift((str(key),)):
                continue
            close = nearest(str(key), [*sections, *extra])
            hint = f" (did you mean {close!r}?)" if close else ""
            walker.add(
                Severity.ERROR,
                (str(key),),
                "runtime.unknown-section",
                f"has no config section {key!r}{hint}: Flyte ignores it silently",
                f"rename it to {close!r}" if close else "remove it",
            )
            continue
        name, entry = found
        walker.walk(value, entry, (name,))
    _bcrypt_check(walker)
    return walker.found
