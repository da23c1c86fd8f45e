"""Reduce a prebuilt CDKTF provider package (npm ``@cdktf/provider-<name>``) to the argument tree of every
resource and data source, for the offline check that ``infra/`` uses only what the pinned provider has.

The package's ``.jsii`` (100+ MB) describes each resource's config struct; arguments are camelCase properties,
nested blocks are properties typed by another struct. Output: one JSON file
``{"provider": ..., "version": ..., "resource": {type: tree}, "data": {type: tree}}`` where a tree is
``{"args": [snake_case...], "blocks": {name: tree}}``. Used by scripts/bootstrap.sh (test mode).

    python scripts/cdktf_schema.py PACKAGE_DIR OUT.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

_LINK = re.compile(r"/docs/(resources|data-sources)/(\w+) (\w+)\}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _struct(kind: Any, types: dict[str, Any]) -> str | None:
    """The struct fqn a property type holds (directly, in a list, or in a union with IResolvable)."""
    if not isinstance(kind, dict):
        return None
    fqn = kind.get("fqn")
    if fqn and types.get(fqn, {}).get("datatype"):
        return str(fqn)
    for inner in (kind.get("collection", {}).get("elementtype"), *kind.get("union", {}).get("types", [])):
        found = _struct(inner, types)
        if found:
            return found
    return None


def _tree(fqn: str, types: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    args: list[str] = []
    blocks: dict[str, Any] = {}
    struct = types[fqn]
    props = list(struct.get("properties", []))
    for parent in struct.get("interfaces", []):
        props += types.get(parent, {}).get("properties", [])
    for prop in props:
        name = _snake(prop["name"])
        inner = _struct(prop["type"], types)
        if inner and depth < 8:
            blocks[name] = _tree(inner, types, depth + 1)
        else:
            args.append(name)
    return {"args": sorted(set(args)), "blocks": blocks}


def reduce(package: Path) -> dict[str, Any]:
    meta = json.loads((package / "package.json").read_text())["cdktf"]["provider"]
    types = json.loads((package / ".jsii").read_text())["types"]
    out: dict[str, Any] = {"provider": meta["name"], "version": meta["version"], "resource": {}, "data": {}}
    for fqn, kind in types.items():
        summary = (kind.get("docs") or {}).get("summary", "")
        match = _LINK.search(summary)
        if kind.get("kind") != "class" or not match or f"{fqn}Config" not in types:
            continue
        section = "resource" if match.group(1) == "resources" else "data"
        out[section][match.group(3)] = _tree(f"{fqn}Config", types)
    return out


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(json.dumps(reduce(Path(sys.argv[1])), sort_keys=True))
