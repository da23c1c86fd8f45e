"""Flyte's runtime config contract: every section and key FlyteAdmin, FlytePropeller, DataCatalog and the
scheduler read, with Go type and default (generated from the v1.16.8 reference by
``scripts/gen_runtime_catalogue.py``; packaged so a check needs no reference tree).

Flyte reads its config through viper and mapstructure, which match keys case-insensitively: lookups here do too.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["COMPONENT_CATALOGUES", "Field", "catalogue", "component_sections", "lookup", "nearest"]

Field = dict[str, Any]
"""One catalogue entry: ``type`` (Go), ``kind`` (string bool int float duration url quantity port list map struct
bytes opaque), ``default``, and ``fields`` (struct), ``item`` (list) or ``value`` (map)."""

# Which reference a process reads: flyte-binary's ``flyte start`` runs all four in one process.
COMPONENT_CATALOGUES: dict[str, tuple[str, ...]] = {
    "flyteadmin": ("flyteadmin",),
    "flytepropeller": ("flytepropeller",),
    "datacatalog": ("datacatalog",),
    "flytescheduler": ("scheduler",),
    "flyte-binary": ("flyteadmin", "flytepropeller", "datacatalog", "scheduler"),
}


@cache
def catalogue() -> dict[str, Any]:
    """The packaged catalogue (``runtime/data/flyte_config.json``)."""
    text = resources.files(__package__).joinpath("data/flyte_config.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def component_sections(component: str) -> dict[str, Field]:
    """Section name -> struct entry for one process; sections of several references are united field by field."""
    out: dict[str, Field] = {}
    for name in COMPONENT_CATALOGUES[component]:
        for section, fields in catalogue()["components"][name].items():
            known = out.setdefault(section, {"kind": "struct", "type": f"section {section}", "fields": {}})
            for key, entry in fields.items():
                known["fields"].setdefault(key, entry)
    return out


def lookup(fields: dict[str, Field], key: str) -> tuple[str, Field] | None:
    """``(catalogue spelling, entry)`` for ``key`` compared case-insensitively, as viper does."""
    if key in fields:
        return key, fields[key]
    lowered = str(key).lower()
    for name, entry in fields.items():
        if name.lower() == lowered:
            return name, entry
    return None


def nearest(key: str, names: list[str]) -> str | None:
    """The closest known spelling of ``key`` (case-insensitive), or ``None`` when nothing is close."""
    lowered = {n.lower(): n for n in names}
    match = difflib.get_close_matches(str(key).lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None
