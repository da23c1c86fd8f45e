#!/usr/bin/env python3
"""Write ``flytekit_deploy/runtime/data/flyte_config.json``: every config section and key Flyte v1.16.8 reads.

Flyte's generated reference (``docs/deployment/configuration/generated/<component>_config.rst``) lists, per
component, each section (``Section: admin``) and its keys (``endpoint (`config.URL`_)`` with a default value in a
YAML code block), then the nested types those keys use (``config.URL`` under a ``^^^`` underline, their fields
under a line of double quotes). Nested type names are local to a section (``config.Config`` means a different struct in every
section), so they are resolved per section and expanded inline into a tree of fields.

Each field gets a ``kind`` the checks understand: ``string bool int float duration url quantity port list map
struct bytes opaque``; lists and maps carry their element (``item`` / ``value``). Types the reference does not
expand (Kubernetes objects, ``interface``) are ``opaque``. One external type matters for decoding and is not in
the reference: fosite's ``DefaultClient`` (the value of ``selfAuthServer.staticClients``), whose ``client_secret``
is a ``[]byte`` that Flyte decodes from base64; it is described in ``EXTERNAL_TYPES`` from fosite's source.

Usage: ``python scripts/gen_runtime_catalogue.py [--reference DIR] [--output FILE] [--check]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference" / "flyte-v1.16.8"
DEFAULT_OUTPUT = ROOT / "flytekit_deploy" / "runtime" / "data" / "flyte_config.json"
GENERATED = Path("docs/deployment/configuration/generated")
COMPONENTS = ("flyteadmin", "flytepropeller", "datacatalog", "scheduler")
FLYTE_VERSION = "v1.16.8"

# Go types whose generated expansion is an implementation detail: each decodes from one scalar.
SCALAR_WRAPPERS = {
    "config.Duration": "duration",
    "config.URL": "url",
    "url.URL": "url",
    "resource.Quantity": "quantity",
    "config.Port": "port",
}
GO_SCALARS = {
    "string": "string",
    "bool": "bool",
    "int": "int",
    "int32": "int",
    "int64": "int",
    "uint8": "int",
    "uint64": "int",
    "float32": "float",
    "float64": "float",
    "[]byte": "bytes",
}
# From github.com/ory/fosite client.go (DefaultClient, the version flyteadmin v1.16 pins): the JSON tags are the
# config keys. Secret is []byte: encoding/json (and so Flyte's config decoder) reads it as base64.
EXTERNAL_TYPES: dict[str, dict[str, str]] = {
    "fosite.DefaultClient": {
        "id": "string",
        "client_secret": "[]byte",
        "rotated_secrets": "[][]byte",
        "redirect_uris": "[]string",
        "grant_types": "[]string",
        "response_types": "[]string",
        "scopes": "[]string",
        "audience": "[]string",
        "public": "bool",
    }
}

# Integer enums that Flyte decodes from their names (enumer-generated JSON/YAML unmarshalers); the reference
# shows only the Go kind and the default name. Names from the Go sources of v1.16.8.
ENUMS: dict[str, tuple[str, ...]] = {
    "authType": ("ClientSecret", "Pkce", "ExternalCommand", "DeviceFlow"),  # flyteidl clients/go/admin/config
    "authServerType": ("Self", "External"),  # flyteadmin auth/config AuthorizationServerType
    "sameSitePolicy": ("DefaultMode", "LaxMode", "StrictMode", "NoneMode"),  # flyteadmin auth/config SameSite
    "cloudEventVersion": ("v1",),  # flyteadmin runtime/interfaces CloudEventVersion
}

_SECTION = re.compile(r"^Section: (\S+)$")
_FIELD = re.compile(r"^(\S+) \((.+)\)$")
_LINK = re.compile(r"^`(.+)`_$")


def _block(lines: list[str], start: int) -> tuple[Any, int]:
    """The YAML default after ``**Default Value**:`` at or after ``start`` (parsed; raw text when not YAML)."""
    i = start
    while i < len(lines) and not lines[i].startswith(".. code-block::"):
        if _is_heading(lines, i):
            return None, i
        i += 1
    i += 1
    body: list[str] = []
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith("  ")):
        body.append(lines[i][2:])
        i += 1
    text = "\n".join(body).strip("\n")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    return value, i


def _is_heading(lines: list[str], i: int) -> bool:
    return i + 1 < len(lines) and bool(lines[i].strip()) and bool(re.fullmatch(r'([=^"\-])\1{20,}', lines[i + 1]))


def parse_rst(text: str) -> dict[str, dict[str, Any]]:
    """``{section: {"keys": {name: (type, default)}, "types": {type: {name: (type, default)}}}}``."""
    lines = text.splitlines()
    sections: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    target: dict[str, Any] | None = None
    i = 0
    while i < len(lines):
        if not _is_heading(lines, i):
            i += 1
            continue
        title, mark = lines[i], lines[i + 1][0]
        i += 2
        if mark == "=" and (m := _SECTION.match(title)):
            current = sections.setdefault(m.group(1), {"keys": {}, "types": {}})
            target = current["keys"]
        elif mark == "^" and current is not None:
            target = current["types"].setdefault(title.strip(), {})
        elif mark in '-"' and target is not None and (m := _FIELD.match(title)):
            default, i = _block(lines, i)
            target[m.group(1)] = (m.group(2), default)
    return sections


def _kind(go_type: str, types: dict[str, Any], seen: tuple[str, ...]) -> dict[str, Any]:
    link = _LINK.match(go_type)
    name = link.group(1) if link else go_type
    if name in SCALAR_WRAPPERS:
        return {"kind": SCALAR_WRAPPERS[name]}
    if name in GO_SCALARS:
        return {"kind": GO_SCALARS[name]}
    if name.startswith("[]"):
        return {"kind": "list", "item": _kind(name[2:], types, seen)}
    if name.startswith("map["):
        depth, j = 0, 0
        for j, ch in enumerate(name):
            depth += ch == "["
            depth -= ch == "]"
            if depth == 0 and j > 3:
                break
        return {"kind": "map", "value": _kind(name[j + 1 :].lstrip("*"), types, seen)}
    if name in types and name not in seen:
        return {"kind": "struct", "type": name, "fields": _fields(types[name], types, (*seen, name))}
    if name in EXTERNAL_TYPES:
        external = {k: (v, None) for k, v in EXTERNAL_TYPES[name].items()}
        return {"kind": "struct", "fields": _fields(external, types, (*seen, name)), "source": "fosite"}
    return {"kind": "opaque"}


def _fields(raw: dict[str, tuple[str, Any]], types: dict[str, Any], seen: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (go_type, default) in raw.items():
        entry: dict[str, Any] = {"type": go_type.strip("`_"), **_kind(go_type, types, seen)}
        if key in ENUMS and entry["kind"] == "int":
            entry.update(kind="enum", values=list(ENUMS[key]))
        if entry["kind"] != "struct" and default is not None:
            entry["default"] = default
        out[key] = entry
    return out


def build(reference: Path) -> dict[str, Any]:
    components: dict[str, Any] = {}
    for component in COMPONENTS:
        path = reference / GENERATED / f"{component}_config.rst"
        sections = parse_rst(path.read_text(encoding="utf-8"))
        components[component] = {
            name: _fields(body["keys"], body["types"], ()) for name, body in sorted(sections.items())
        }
    return {
        "flyte_version": FLYTE_VERSION,
        "source": str(GENERATED / "<component>_config.rst"),
        "components": components,
    }


def dumps(catalogue: dict[str, Any]) -> str:
    return json.dumps(catalogue, indent=1, sort_keys=True, default=str) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is out of date")
    args = parser.parse_args(argv)
    text = dumps(build(args.reference))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/gen_runtime_catalogue.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    sections = sum(len(c) for c in build(args.reference)["components"].values())
    print(f"wrote {args.output} ({sections} sections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
