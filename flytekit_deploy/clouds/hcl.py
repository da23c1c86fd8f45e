"""Terraform/OpenTofu text from typed blocks: the mechanics every cloud's infrastructure writer shares.

The cloud modules say *what* to create (:class:`Block` trees); this module only writes it as HCL, with strings
escaped so a bucket or namespace name can never become an interpolation, and with checkov skips kept inside the
resource they explain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "variable",
    "output",
    "Expr",
    "Block",
    "ServiceAccountRef",
    "ref",
    "var",
    "slug",
    "InfraModule",
    "Binding",
    "render_blocks",
    "hcl_string",
    "module_files",
]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Expr:
    """A raw HCL expression (``var.region``, ``aws_s3_bucket.metadata.arn``), written unquoted."""

    text: str


HclValue = str | int | float | bool | None | Expr | Sequence[Any] | Mapping[str, Any]


@dataclass
class Block:
    """``kind "label" ... { attributes; nested blocks }``; ``skips`` are checkov ``(check id, reason)`` pairs."""

    kind: str
    labels: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    comment: str = ""
    skips: tuple[tuple[str, str], ...] = ()

    @property
    def address(self) -> str:
        """``aws_s3_bucket.metadata`` / ``data.x.y`` / ``var.x``: how other blocks refer to this one."""
        if self.kind == "data":
            return "data." + ".".join(self.labels)
        if self.kind == "variable":
            return f"var.{self.labels[0]}"
        return ".".join(self.labels)


@dataclass(frozen=True)
class ServiceAccountRef:
    """A Kubernetes ServiceAccount that takes a cloud identity, as found in the rendered releases."""

    cluster: str
    namespace: str
    name: str
    role: str
    """``backend`` or ``tasks``: which of the spec's identities its annotation carries."""
    source: str
    """Where it was found (``render: values-flyte-core.yaml ServiceAccount``), shown in the module."""

    @property
    def subject(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.name}"


def ref(text: str) -> Expr:
    return Expr(text)


def var(name: str) -> Expr:
    return Expr(f"var.{name}")


def slug(text: str) -> str:
    """A Terraform name from a cluster or ServiceAccount name (``dataplane-1`` -> ``dataplane_1``)."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", text.lower())).strip("_") or "default"


@dataclass(frozen=True)
class Binding:
    """One cloud identity bound to one Kubernetes ServiceAccount on one cluster."""

    identity: str
    """The identity's Terraform address (``aws_iam_role.flyte_backend``)."""
    cluster: str
    namespace: str
    name: str


@dataclass
class InfraModule:
    """One root module: blocks per file, and what the kit reads back (bindings, grants, outputs for ``fill``)."""

    main: list[Block]
    variables: list[Block]
    outputs: list[Block]
    versions: list[Block]
    bindings: list[Binding] = field(default_factory=list)
    grants: dict[str, list[str]] = field(default_factory=dict)
    """Bucket/container name -> identity addresses granted on it."""
    fills: dict[str, str] = field(default_factory=dict)
    """Spec placeholder (``<FLYTE_BACKEND_IAM_ROLE_ARN>``) -> the output that answers it."""
    notes: list[str] = field(default_factory=list)
    cli_steps: list[str] = field(default_factory=list)
    """The same prerequisites as cloud CLI commands, for people without Terraform."""
    resource_uses: dict[str, str] = field(default_factory=dict)
    """Resource type -> the Flyte component that needs it (the report and the wiki read this)."""


def hcl_string(text: str) -> str:
    """A quoted HCL string literal; ``${`` and ``%{`` are escaped so user text never interpolates."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("${", "$${").replace("%{", "%%{")
    )
    return f'"{escaped}"'


def _key(name: str) -> str:
    return name if _IDENT.match(name) else hcl_string(name)


def _value(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        inner = "\n".join(f"{pad}  {_key(str(k))} = {_value(v, indent + 1)}" for k, v in value.items())
        return "{\n" + inner + f"\n{pad}}}"
    if isinstance(value, Sequence):
        items = [_value(v, indent + 1) for v in value]
        flat = "[" + ", ".join(items) + "]"
        if len(flat) <= 100 and "\n" not in flat:
            return flat
        return "[\n" + "".join(f"{pad}  {item},\n" for item in items) + f"{pad}]"
    raise TypeError(f"no HCL form for {type(value).__name__}")


def _block(block: Block, indent: int) -> str:
    pad = "  " * indent
    lines: list[str] = []
    for line in block.comment.splitlines():
        lines.append(f"{pad}# {line}".rstrip())
    head = " ".join([block.kind, *(hcl_string(label) for label in block.labels)])
    lines.append(f"{pad}{head} {{")
    for check, reason in block.skips:
        lines.append(f"{pad}  #checkov:skip={check}:{reason}")
    width = max((len(_key(k)) for k in block.attributes), default=0)
    for name, value in block.attributes.items():
        lines.append(f"{pad}  {_key(name).ljust(width)} = {_value(value, indent + 1)}")
    for child in block.blocks:
        if block.attributes or child is not block.blocks[0]:
            lines.append("")
        lines.append(_block(child, indent + 1))
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def render_blocks(blocks: Sequence[Block], header: str = "") -> str:
    """The blocks as one ``.tf`` file, a blank line between blocks."""
    parts = [f"# {line}".rstrip() for line in header.splitlines()]
    text = ("\n".join(parts) + "\n\n") if parts else ""
    return text + "\n\n".join(_block(b, 0) for b in blocks) + "\n"


def module_files(module: InfraModule, header: str) -> dict[str, str]:
    """``infra/main.tf``, ``variables.tf``, ``outputs.tf``, ``versions.tf`` and a README with notes and CLI steps."""
    readme = ["# Cloud prerequisites (generated by flytekit-deploy)", "", header, ""]
    readme += ["```", "terraform -chdir=infra init", "terraform -chdir=infra apply", "```", ""]
    readme += ["OpenTofu: the same with `tofu` in place of `terraform`.", ""]
    if module.notes:
        readme += ["## Notes", ""] + [f"- {note}" for note in module.notes] + [""]
    if module.cli_steps:
        readme += ["## Without Terraform", "", "```sh"] + module.cli_steps + ["```", ""]
    return {
        "infra/versions.tf": render_blocks(module.versions, header),
        "infra/variables.tf": render_blocks(module.variables, header),
        "infra/main.tf": render_blocks(module.main, header),
        "infra/outputs.tf": render_blocks(module.outputs, header),
        "infra/README.md": "\n".join(readme),
    }


def variable(name: str, description: str, default: object = None, kind: str = "string") -> Block:
    """A ``variable`` block; ``default`` None leaves it for the person to answer."""
    attributes: dict[str, object] = {"type": Expr(kind), "description": description}
    if default is not None:
        attributes["default"] = default
    return Block("variable", (name,), attributes)


def output(name: str, spec_path: str, value: str) -> Block:
    """An ``output`` whose description is the spec path it answers (``fill --from-terraform`` reads both)."""
    return Block("output", (name,), {"description": spec_path, "value": Expr(value)})


def identity_path(role: str) -> str:
    """The spec field holding the identifier of ``role`` (``tasks-production`` -> per-domain task identity)."""
    if role.startswith("tasks-"):
        return f"identity.tasks_per_domain.{role.removeprefix('tasks-')}"
    return f"identity.{role}"


def identity_roles(roles: Iterable[str]) -> list[str]:
    """Roles in a stable order: backend, propeller, tasks, then per-domain task roles."""
    order = {"backend": 0, "propeller": 1, "tasks": 2}
    return sorted(set(roles), key=lambda r: (order.get(r, 3), r))


def identity_value(spec: Any, role: str) -> str:
    """The spec's identifier (or placeholder) of ``role``; empty when the spec leaves it unset."""
    identity = spec.identity
    if role.startswith("tasks-"):
        return str(identity.tasks_per_domain.get(role.removeprefix("tasks-"), ""))
    return str(getattr(identity, role, "") or "")
