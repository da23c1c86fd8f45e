"""Import an existing flyte-binary or flyte-core values file into a DeploymentSpec.

A person who already installs Flyte with a values file should not have to retype it. :func:`import_values`
reads the keys the kit has spec fields for (storage, database, ingress, auth, replicas, identity annotations,
log links, quotas...) into a spec, keeps everything else verbatim in ``spec.overrides[chart]`` (which emission
merges last), and then checks its own work: it emits the spec and, wherever the emitted values would mean
something else than the file, keeps the file's value verbatim too. So ``import`` then ``values`` installs what
the file installed, and the report says which keys the spec now owns and which stay hand-written.

The per-chart reading tables are the inverse of the emitters and live beside them, so chart keys stay in charts/:
``charts/<chart>/read.py``, found through the chart registry (:attr:`flytekit_deploy.charts.Chart.read`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from ..charts.reading import Reader
from ..charts.registry import chart_for, importable_charts
from ..charts.tree import Path, dotted, get, leaves, set_in
from ..errors import Problem, UserInputError
from ..spec import ChartName, DeploymentSpec

__all__ = ["ImportResult", "import_values", "import_values_file", "IMPORTABLE_CHARTS"]

IMPORTABLE_CHARTS = importable_charts()
_MISSING = object()
_MAIN_ROLES = ("all-in-one", "control-plane")


@dataclass
class ImportResult:
    """The spec read from a values file, and an account of every key of the file."""

    spec: DeploymentSpec
    mapped: list[str]
    """Key paths the spec now owns: emitting the spec alone writes them with the same meaning."""
    unmapped: list[str]
    """Key paths kept verbatim in ``spec.overrides[chart]``: no spec field, or the kit would write them otherwise."""
    overrides: dict[str, Any]
    """The verbatim values (``spec.overrides[chart]``)."""
    added: list[str] = field(default_factory=list)
    """Key paths the kit's emitter sets that the file did not (chart defaults or the kit's own choices)."""
    notes: list[str] = field(default_factory=list)

    @property
    def chart(self) -> ChartName:
        return self.spec.chart_name

    def summary(self) -> str:
        """A few lines for the terminal: what was mapped, what stays verbatim, what to review."""
        lines = [
            f"imported a {self.chart.value} values file: {len(self.mapped)} key(s) mapped to spec fields, "
            f"{len(self.unmapped)} kept verbatim in overrides.{self.chart.value}"
        ]
        if self.unmapped:
            lines.append("kept verbatim (no spec field, or emitted differently):")
            lines += [f"  {path}" for path in self.unmapped]
        if self.added:
            lines.append("set by the kit although the file did not (review them):")
            lines += [f"  {path}" for path in self.added]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _chart(chart: str | ChartName) -> ChartName:
    try:
        name = ChartName(chart)
    except ValueError:
        name = None
    if name not in IMPORTABLE_CHARTS:
        raise UserInputError(
            [
                Problem(
                    "--chart",
                    f"cannot import values of chart {str(getattr(chart, 'value', chart))!r}",
                    f"use --chart {' or --chart '.join(c.value for c in IMPORTABLE_CHARTS)}",
                )
            ],
            source="import",
        )
    assert name is not None
    return name


def _same(emitted: Any, wanted: Any) -> bool:
    """Whether two values mean the same to Helm and Flyte: numbers and numeric strings alike, YAML documents
    embedded in strings (cluster resource templates) compared parsed, lists item by item."""
    if isinstance(emitted, list) and isinstance(wanted, list):
        return len(emitted) == len(wanted) and all(_same(a, b) for a, b in zip(emitted, wanted, strict=True))
    if isinstance(emitted, Mapping) and isinstance(wanted, Mapping):
        return emitted.keys() == wanted.keys() and all(_same(emitted[k], wanted[k]) for k in emitted)
    if isinstance(emitted, bool) or isinstance(wanted, bool):
        return emitted is wanted
    if emitted == wanted:
        return True
    if isinstance(emitted, (int, float, str)) and isinstance(wanted, (int, float, str)):
        if str(emitted).strip() == str(wanted).strip():
            return True
        if isinstance(emitted, str) and isinstance(wanted, str) and "\n" in emitted + wanted:
            import yaml

            try:
                return bool(yaml.safe_load(emitted) == yaml.safe_load(wanted))
            except yaml.YAMLError:
                return False
    return False


def _main_values(spec: DeploymentSpec, chart: ChartName) -> dict[str, Any]:
    from ..plan import build_plan

    for release in build_plan(spec).releases:
        if release.chart is chart and release.role in _MAIN_ROLES:
            return release.values
    return {}


def _spec(data: dict[str, Any], chart: ChartName, overrides: dict[str, Any], source: str) -> DeploymentSpec:
    from ..errors import SpecError
    from ..spec import spec_from_dict

    full = {**data, "overrides": {chart.value: overrides} if overrides else {}}
    try:
        return spec_from_dict(full, source=source)
    except SpecError as error:
        raise UserInputError(
            [
                Problem(
                    p.path,
                    f"read from the values file, {p.message}",
                    p.fix or "correct the value in the values file",
                )
                for p in error.problems
            ],
            source=source,
        ) from None


def _read(values: Mapping[str, Any], chart: ChartName, source: str) -> tuple[dict[str, Any], Reader, list[str]]:
    """The file as the chart sees it (after its own preparation), read into spec data by the chart's reader."""
    if not isinstance(values, Mapping):
        raise UserInputError(
            [Problem("", f"values must be a mapping of keys, not {type(values).__name__}", "pass a values mapping")],
            source=source,
        )
    found = chart_for(chart)
    assert found.read is not None  # _chart admits importable charts only
    wanted, notes = found.prepare_import(copy.deepcopy(dict(values)))
    reader = found.read(wanted)
    return wanted, reader, notes + reader.notes


def _meaningful(wanted: Mapping[str, Any]) -> list[tuple[Path, Any]]:
    """The file's leaves that say something (an empty mapping merges nothing over the chart's defaults)."""
    return [(path, value) for path, value in leaves(wanted) if path and not (isinstance(value, Mapping) and not value)]


def _overrides(wanted: Mapping[str, Any], base: Mapping[str, Any]) -> tuple[dict[str, Any], list[Path]]:
    """(what to keep verbatim, what the spec alone reproduces): every key the emitted ``base`` does not mean."""
    overrides: dict[str, Any] = {}
    reproduced: list[Path] = []
    for path, value in _meaningful(wanted):
        if _same(get(base, path, _MISSING), value):
            reproduced.append(path)
        else:
            set_in(overrides, path, value)
    return overrides, reproduced


def _lift_credentials(overrides: dict[str, Any], *, sandbox: bool) -> tuple[dict[str, Any], list[str]]:
    """Credentials written in plain text in the file are not copied (overrides end up in every values file):
    each is dropped from the overrides and named in a note with the way to give it as a Secret instead."""
    if sandbox:
        return overrides, []
    from ..spec.validators import is_placeholder, secret_like_key

    kept: dict[str, Any] = {}
    lifted: list[str] = []
    for path, value in leaves(overrides):
        if not path:
            continue
        if isinstance(value, str) and value and not is_placeholder(value) and secret_like_key(str(path[-1])):
            lifted.append(dotted(path))
            continue
        set_in(kept, path, value)
    notes = [
        f"not copied: {where} holds a credential in plain text; overrides are written into every values file. "
        "Create a Kubernetes Secret with it and reference the Secret in the spec (database.password, "
        "auth.client_secret, storage.access_key/secret_key, connectors[].secret); install.sh lists the command"
        for where in lifted
    ]
    return kept, notes


def _review_notes(wanted: Mapping[str, Any], emitted: Mapping[str, Any]) -> list[str]:
    """What the emitted values still say otherwise than the file, even with the overrides."""
    notes: list[str] = []
    lost = [
        path
        for path, value in _meaningful(wanted)
        if not _same(get(emitted, path, _MISSING), value)
        and not (value is None and get(emitted, path, _MISSING) is _MISSING)
    ]
    if lost:
        notes.append("emitted differently even with the override: " + ", ".join(dotted(p) for p in lost))
    nulls = [path for path, value in leaves(wanted) if path and value is None and get(emitted, path, 0) is not None]
    if nulls:
        notes.append(
            "null (delete the chart's default) at "
            + ", ".join(dotted(p) for p in nulls)
            + ": the emitter's merge drops it, so the chart's default comes back; check that key"
        )
    return notes


def _added(wanted: Mapping[str, Any], emitted: Mapping[str, Any]) -> list[str]:
    """Keys the emitter sets that the file did not."""
    # an empty mapping in the file (``task_logs.plugins: {}``) says nothing about the keys the kit puts under it
    file_leaves = {path for path, value in leaves(wanted) if not (isinstance(value, Mapping) and not value)}
    return sorted(
        dotted(path)
        for path, value in leaves(emitted)
        if not any(path[: len(f)] == f for f in file_leaves) and not (isinstance(value, Mapping) and not value)
    )


def import_values(
    values: Mapping[str, Any],
    chart: str | ChartName,
    *,
    name: str | None = None,
    namespace: str | None = None,
    source: str = "values",
) -> ImportResult:
    """Read a flyte-binary or flyte-core values mapping into a spec (see the module docstring).

    ``name`` and ``namespace`` are the Helm release's, which a values file does not say. Raises
    :class:`UserInputError` for an unknown chart, values that are not a mapping, or values the spec refuses.
    """
    chart_name = _chart(chart)
    wanted, reader, notes = _read(values, chart_name, source)
    data = {**reader.spec, **({"name": name} if name else {}), **({"namespace": namespace} if namespace else {})}

    # What the spec alone emits; every key of the file it does not reproduce is kept verbatim.
    overrides, reproduced = _overrides(wanted, _main_values(_spec(data, chart_name, {}, source), chart_name))
    read_but_kept = [dotted(p) for p, _ in leaves(overrides) if p and reader.is_taken(p)]
    if read_but_kept:
        notes.append(
            "read into the spec, but the kit would write them otherwise, so they stay verbatim: "
            + ", ".join(read_but_kept)
        )
    overrides, lifted = _lift_credentials(overrides, sandbox=data.get("model") == "sandbox")
    notes += lifted
    spec = _spec(data, chart_name, overrides, source)
    emitted = _main_values(spec, chart_name)
    return ImportResult(
        spec=spec,
        mapped=sorted(dotted(p) for p in reproduced),
        unmapped=sorted(dotted(p) for p, _ in leaves(overrides) if p),
        overrides=overrides,
        added=_added(wanted, emitted),
        notes=notes + _review_notes(wanted, emitted),
    )


def import_values_file(path: str | FilePath, chart: str | ChartName, **options: Any) -> ImportResult:
    """Read ``path`` (YAML) and :func:`import_values` it; unreadable, malformed or non-mapping files are bad input."""
    from ..values_file import read_values_file

    chart_name = _chart(chart)  # an unknown chart is reported before the file is read
    values = read_values_file(path, source="import")
    return import_values(values, chart_name, source=str(path), **options)
