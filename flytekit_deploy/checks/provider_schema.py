"""Every resource type, data source, argument and nested block ``infra/`` writes exists in the pinned provider's
schema, checked offline against the argument trees of the prebuilt CDKTF provider packages (reduced by
``scripts/cdktf_schema.py``; ``scripts/bootstrap.sh test`` puts them in ``.tools/provider-schemas/``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .findings import Finding, Severity
from .infra import CHAPTER, parse_hcl

__all__ = ["SCHEMA_DIR", "load_schemas", "schema_findings"]

SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".tools" / "provider-schemas"
META = {"count", "depends_on", "for_each", "provider", "lifecycle", "connection", "provisioner"}


def load_schemas(folder: Path = SCHEMA_DIR) -> dict[str, dict[str, Any]]:
    """``registry.terraform.io/hashicorp/aws`` -> its reduced schema, for every file in ``folder``."""
    out: dict[str, dict[str, Any]] = {}
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        schema = json.loads(file.read_text(encoding="utf-8"))
        out[str(schema["provider"])] = schema
    return out


def _finding(path: str, message: str) -> Finding:
    return Finding(
        severity=Severity.ERROR,
        path=path,
        message=message,
        fix="use the pinned provider's argument names (or change the pin in infra/versions.tf)",
        chapter=CHAPTER,
        rule="infra.provider-schema",
    )


def _walk(body: Mapping[str, Any], tree: Mapping[str, Any], where: str) -> list[Finding]:
    found: list[Finding] = []
    for key, value in body.items():
        if key in META or key.startswith("__"):
            continue
        if key in tree["blocks"]:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Mapping):
                    found += _walk(item, tree["blocks"][key], f"{where}.{key}")
        elif key not in tree["args"]:
            found.append(_finding(where, f"{where}: no argument or block {key!r} in the provider's schema"))
    return found


def schema_findings(files: Mapping[str, str], schemas: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """Findings for ``infra/`` files against ``schemas`` (from :func:`load_schemas`); a pinned provider without a
    schema of that exact version is itself a finding."""
    versions = parse_hcl(files["infra/versions.tf"])
    pinned: dict[str, Mapping[str, Any]] = {}
    found: list[Finding] = []
    for block in versions.get("terraform", []):
        for required in block.get("required_providers", []):
            for local, spec in required.items():
                full = f"registry.terraform.io/{spec['source']}"
                schema = schemas.get(full)
                if schema is None or schema["version"] != spec["version"]:
                    have = schema["version"] if schema else "none"
                    found.append(
                        _finding("infra/versions.tf", f"no schema for {full} {spec['version']} (have: {have})")
                    )
                    continue
                pinned[local] = schema
    main = parse_hcl(files["infra/main.tf"])
    for section in ("resource", "data"):
        for entry in main.get(section, []):
            for kind, named in entry.items():
                schema = pinned.get(kind.split("_")[0])
                if schema is None:
                    found.append(_finding("infra/main.tf", f"{kind}: its provider is not pinned in versions.tf"))
                    continue
                tree = schema[section].get(kind)
                for name, body in named.items():
                    where = f"{'data.' if section == 'data' else ''}{kind}.{name}"
                    if tree is None:
                        found.append(_finding(where, f"{where}: no {section} type {kind} in {schema['provider']}"))
                    elif isinstance(body, Mapping):
                        found += _walk(body, tree, where)
    return found
