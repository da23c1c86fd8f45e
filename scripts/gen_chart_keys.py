#!/usr/bin/env python3
"""Write ``flytekit_deploy/charts/chart_keys.json`` from the Flyte v1.16.8 reference charts.

No chart ships a ``values.schema.json``, so the only description of a chart's keys is its default
``values.yaml``. This script turns each one into a catalog of dotted key paths with their types, then
adds what the defaults do not say:

* free-form subtrees: maps the chart hands to ``toYaml``/``tpl`` whole (labels, annotations, resources,
  ``configuration.inline``, flyte-core's ``configmap.*``...), where any subkey is valid;
* keys the templates read that the defaults leave out (commented out in ``values.yaml``, or seen in the
  templates and in upstream's rendered manifests), listed in ``EXTRA_KEYS`` with where each comes from;
* subcharts from ``Chart.yaml``: a local one (``file://../<chart>``) contributes its own catalog under its
  alias, a third-party one (bitnami, kubeflow...) is free-form because its values are not in the reference.

Usage: ``python scripts/gen_chart_keys.py [--reference DIR] [--output FILE] [--check]``.
``--check`` exits 1 when the committed file differs from what would be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference" / "flyte-v1.16.8"
DEFAULT_OUTPUT = ROOT / "flytekit_deploy" / "charts" / "chart_keys.json"
FLYTE_VERSION = "v1.16.8"
CHARTS = ("flyte-binary", "flyte-core", "flyte-sandbox", "flyte-deps", "flyte", "flyteconnector")

# Segment globs: "*" is one key, "**" any number of keys (also none).
# Maps that every chart passes through toYaml/tpl untouched: Kubernetes objects or open string maps.
COMMON_FREE_FORM = (
    "global",
    "**.annotations",
    "**.podAnnotations",
    "**.labels",
    "**.podLabels",
    "**.commonLabels",
    "**.commonAnnotations",
    "**.nodeSelector",
    "**.affinity",
    "**.tolerations",
    "**.resources",
    "**.securityContext",
    "**.podSecurityContext",
    "**.readinessProbe",
    "**.livenessProbe",
    "**.startupProbe",
    "**.strategy",
    "**.extraArgs",
    "**.podEnv",
    "**.env",
    "**.envFrom",
    "**.plugin_config",
)

FREE_FORM: dict[str, tuple[str, ...]] = {
    "flyte-binary": (
        # 000-core.yaml: `flyte: {{ tpl (index .Values "flyte-core-components" | toYaml) . }}`
        "flyte-core-components",
        # 001-plugins.yaml: `tasks: {{ .Values.enabled_plugins.tasks | toYaml }}`
        "enabled_plugins.tasks",
        "configuration.connectorService",
        "configuration.auth.flyteClient",
        "configuration.inline",
        "clusterResourceTemplates.inline",
        "deployment.extraPodSpec",
    ),
    "flyte-core": (
        # every configmap.<file> block is written with `tpl (toYaml .)` into a Flyte config file
        "configmap.*",
        # db.yaml: `{{- with .Values.db.admin }} db.yaml: | {{ tpl (toYaml .) $ }}`
        "db.*",
        "cluster_resource_manager.config",
        "external_events.*",
        "cloud_events.*",
        "storage.custom",
        "userSettings",
        "common.ingress.separateGrpcIngressAnnotations",
    ),
    "flyteconnector": ("connectorSecret.secretData",),
}

# Keys the templates read that the default values leave out. path -> type.
EXTRA_KEYS: dict[str, dict[str, str]] = {
    "flyteconnector": {
        # the default is {}, but templates/connector/deployment.yaml writes it under the container's ``env:``,
        # so a list of env entries is what renders (issue 10: the connector's credentials as _FSEC_ env vars)
        "podEnv": "list",
    },
    "flyte-binary": {
        # commented out in values.yaml ("Uncomment and update to specify resources"), read by deployment.yaml
        "deployment.resources": "map",
        # commented out in values.yaml ("set this field if your external Auth server requires an audience")
        "configuration.auth.internal.audience": "str",
    },
    "flyte-core": {
        # default {}, but templates/propeller/deployment.yaml appends it to the container's ``env:`` list
        "flytepropeller.podEnv": "list",
        # _helpers.tpl: `default .Chart.Name .Values.nameOverride`, `default .Release.Namespace .Values.forceNamespace`
        "nameOverride": "str",
        "forceNamespace": "str",
        # commented out in values.yaml (`# host:`, `# secretName:`), read by common/ingress.yaml
        "common.ingress.host": "str",
        "common.ingress.tls.secretName": "str",
        # `gcs:` is null in the defaults; the storage helper reads `.Values.storage.gcs.projectId`
        "storage.gcs": "map",
        "storage.gcs.projectId": "str",
        # free values the upstream overlays refer to with `{{ .Values.userSettings.x }}` (tpl)
        "userSettings": "map",
        # rendered as logger.yaml / namespace_config.yaml in upstream's own manifests
        "configmap.logger": "map",
        "configmap.namespace_config": "map",
    },
}


def type_name(value: Any) -> str:
    """The catalog's type word for a YAML value (bool before int: True is an int in Python)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list):
        return "list"
    return "any"


def glob_match(pattern: str, path: str) -> bool:
    """Match a dotted path against a segment glob (``*`` one segment, ``**`` zero or more)."""

    def match(pat: list[str], parts: list[str]) -> bool:
        if not pat:
            return not parts
        if pat[0] == "**":
            return any(match(pat[1:], parts[i:]) for i in range(len(parts) + 1))
        return bool(parts) and pat[0] in ("*", parts[0]) and match(pat[1:], parts[1:])

    return match(pattern.split("."), path.split("."))


def walk(values: Mapping[str, Any], prefix: str = "", *, dotted: set[str]) -> Iterator[tuple[str, Any]]:
    """Yield (dotted path, value) for every key of a nested mapping; lists are leaves.

    Paths whose own key contains a dot are also added to ``dotted``: they are ambiguous as dotted paths.
    """
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if "." in str(key):
            dotted.add(path)
        yield path, value
        if isinstance(value, Mapping):
            yield from walk(value, path, dotted=dotted)


def merge_type(old: str | None, new: str) -> str:
    """Combine two observations of a key's type: null yields to anything, a real conflict is ``any``."""
    if old is None or old == new or old == "null":
        return new
    if new == "null":
        return old
    if {old, new} == {"int", "float"}:
        return "float"
    return "any"


def build_chart(reference: Path, chart: str) -> dict[str, Any]:
    """Catalog of one chart (with its subcharts): ``{"keys": {path: type}, "free_form": [path, ...]}``."""
    chart_dir = reference / "charts" / chart
    defaults = yaml.safe_load((chart_dir / "values.yaml").read_text(encoding="utf-8")) or {}
    meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text(encoding="utf-8")) or {}
    patterns = COMMON_FREE_FORM + FREE_FORM.get(chart, ())
    keys: dict[str, str] = {}
    free: set[str] = set()

    def add(path: str, kind: str) -> None:
        keys[path] = merge_type(keys.get(path), kind)

    add("global", "map")  # Helm's own: values shared with every subchart

    for dep in meta.get("dependencies") or []:
        alias = dep.get("alias") or dep["name"]
        add(alias, "map")
        if dep.get("condition"):
            for condition in str(dep["condition"]).split(","):
                add(condition.strip(), "bool")
        repository = str(dep.get("repository", ""))
        if repository.startswith("file://"):
            sub = build_chart(reference, Path(repository[len("file://") :]).name)
            for path, kind in sub["keys"].items():
                add(f"{alias}.{path}", kind)
            free.update(f"{alias}.{path}" for path in sub["free_form"])
        else:
            free.add(alias)

    for path, kind in EXTRA_KEYS.get(chart, {}).items():
        add(path, kind)
    dotted_paths: set[str] = set()
    for path, value in walk(defaults, dotted=dotted_paths):
        add(path, type_name(value))
        if value == {}:
            free.add(path)  # an empty default map is an open map the chart passes through
    for path in keys:
        if any(glob_match(pattern, path) for pattern in patterns):
            free.add(path)

    # keys below a free-form path are not catalogued: anything goes there
    def under_free(path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in free for i in range(1, len(parts)))

    kept = {path: kind for path, kind in keys.items() if not under_free(path)}
    dotted = sorted(path for path in kept if path in dotted_paths)
    if dotted:
        raise ValueError(f"{chart}: keys with a dot outside a free-form map cannot be catalogued: {dotted}")
    roots = sorted(path for path in free if path in kept)
    return {"keys": dict(sorted(kept.items())), "free_form": roots}


def build_catalog(reference: Path) -> dict[str, Any]:
    """The whole catalog, deterministic so that a regeneration compares equal to the committed file."""
    return {
        "flyte_version": FLYTE_VERSION,
        "source": (
            "charts/<chart>/values.yaml and Chart.yaml of github.com/flyteorg/flyte at v1.16.8, "
            "plus keys the templates read (scripts/gen_chart_keys.py)"
        ),
        "types": ["map", "list", "str", "int", "bool", "float", "null", "any"],
        "charts": {chart: build_chart(reference, chart) for chart in CHARTS},
    }


def render(catalog: Mapping[str, Any]) -> str:
    return json.dumps(catalog, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    if not (args.reference / "charts").is_dir():
        print(f"reference charts not found under {args.reference}", file=sys.stderr)
        return 2
    text = render(build_catalog(args.reference))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/gen_chart_keys.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
