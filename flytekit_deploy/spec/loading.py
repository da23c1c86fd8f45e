"""Reading and writing specs: YAML or JSON in, the same out, and every problem as a field path with a fix."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, SpecError
from ..safe_yaml import load_yaml, read_text_limited
from .model import DeploymentSpec
from .validators import Problems

__all__ = [
    "load_spec",
    "parse_spec",
    "spec_from_dict",
    "dump_spec",
    "spec_json_schema",
    "problems_from_validation",
]

_FIXES = {
    "missing": "add this field",
    "enum": "use one of the values listed",
    "literal_error": "use one of the values listed",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "float_parsing": "write a number",
    "float_type": "write a number",
    "string_type": "write a text value (quote it in YAML if it looks like a number)",
    "dict_type": "write a mapping (key: value lines)",
    "list_type": "write a list (- item lines)",
    "model_type": "write a mapping (key: value lines)",
    "model_attributes_type": "write a mapping (key: value lines)",
    "greater_than": "use a larger value",
    "greater_than_equal": "use a larger value",
    "less_than": "use a smaller value",
    "less_than_equal": "use a smaller value",
    "string_pattern_mismatch": "match the format given in the field's description",
}


def _format_loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The spec model class that owns the last element of ``loc`` (to suggest names for unknown keys)."""
    model: type[BaseModel] | None = DeploymentSpec
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problems_from_validation(error: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into Problems: dotted field path, plain message, and the fix."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        loc = tuple(item.get("loc", ()))
        ctx = item.get("ctx") or {}
        kind = item["type"]
        path = _format_loc(loc)
        several = ctx.get("error")
        if kind == "value_error" and isinstance(several, Problems):
            for one in several.errors:
                detail = one.context or {}
                extra = str(detail.get("path", ""))
                problems.append(
                    Problem(
                        ".".join(p for p in (path, extra) if p),
                        str(detail.get("message", one.message())),
                        str(detail.get("fix", "")),
                    )
                )
            continue
        if kind == "flytekit_deploy":
            extra = ctx.get("path", "")
            path = ".".join(p for p in (path, extra) if p)
            problems.append(Problem(path, str(ctx.get("message", item["msg"])), str(ctx.get("fix", ""))))
            continue
        if kind == "extra_forbidden":
            model = _model_at(loc)
            known = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
            fix = f"did you mean '{close[0]}'?" if close else f"remove it; known fields: {', '.join(known)}"
            problems.append(Problem(path, f"unknown field '{loc[-1]}'", fix))
            continue
        message = item["msg"]
        if kind in ("enum", "literal_error") and "expected" in ctx:
            message = f"{item.get('input')!r} is not allowed; expected {ctx['expected']}"
        problems.append(Problem(path, message, _FIXES.get(kind, "correct the value")))
    return problems


def spec_from_dict(data: Any, source: str = "spec") -> DeploymentSpec:
    """Validate plain data as a spec; raise :class:`SpecError` listing every problem."""
    if not isinstance(data, dict):
        raise SpecError(
            [
                Problem(
                    "",
                    f"expected a mapping at the top level, found {type(data).__name__}",
                    "start from `flytekit-deploy init sandbox`",
                )
            ],
            source=source,
        )
    try:
        return DeploymentSpec.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation(error)
        problems += [p for p in _cross_field_problems(data, problems) if p not in problems]
        raise SpecError(problems, source=source) from None


# Fields that decide which cross-field rules apply: when one of them is itself wrong, those rules would judge a
# spec the person did not write, so they wait for the next run.
_DECIDING = {
    "model",
    "environment",
    "chart",
    "profile",
    "identity.mode",
    "storage.provider",
    "storage.credentials",
    "auth.mode",
    "components.scheduler.kind",
    "clusters",
    "clusters.data_planes",
    "connectors",
}


def _cross_field_problems(data: dict[str, Any], problems: list[Problem]) -> list[Problem]:
    """The contradictions between sections, found in the same run as the field errors: validate again without
    the values that failed (each back to its default). Only when none of them decides a rule, and only the
    problems about other fields: a default put in place of a bad value is never judged."""
    pruned = copy.deepcopy(data)
    paths = [p.path.split("[", 1)[0] for p in problems]  # a bad list entry: the whole list goes back to default
    for path in paths:
        if not path or path in _DECIDING or any(d.startswith(path + ".") for d in _DECIDING):
            return []
        *parents, last = path.split(".")
        node: Any = pruned
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    try:
        DeploymentSpec.model_validate(pruned)
    except ValidationError as again:
        if any(item["type"] not in ("flytekit_deploy", "value_error") for item in again.errors()):
            return []  # other field errors: the rules did not run on the whole spec
        return [
            p
            for p in problems_from_validation(again)
            if not any(p.path == q or p.path.startswith(q + ".") or p.path.startswith(q + "[") for q in paths)
        ]
    return []


def parse_spec(text: str, source: str = "spec") -> DeploymentSpec:
    """Parse YAML (JSON is YAML too) into a validated spec, within the input limits of :mod:`.safe_yaml`."""
    data = load_yaml(text, source)
    if data is None:
        raise SpecError([Problem("", "the file is empty", "start from `flytekit-deploy init sandbox`")], source)
    return spec_from_dict(data, source=source)


def load_spec(path: str | Path) -> DeploymentSpec:
    """Read a spec file (YAML or JSON)."""
    file = Path(path)
    try:
        text = read_text_limited(file)
    except FileNotFoundError:
        raise SpecError(
            [Problem(str(file), "no such file", "check the path, or create one with `flytekit-deploy init`")]
        ) from None
    except UnicodeDecodeError:
        raise SpecError(
            [Problem(str(file), "is not UTF-8 text (a binary file?)", "pass a YAML or JSON spec file")]
        ) from None
    except OSError as error:
        raise SpecError(
            [Problem(str(file), f"cannot read it: {error.strerror or error}", "pass a readable YAML or JSON file")]
        ) from None
    return parse_spec(text, source=str(file))


def _plain(spec: DeploymentSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", exclude_defaults=True)


def dump_spec(spec: DeploymentSpec, fmt: str = "yaml") -> str:
    """Serialise without loss: only what differs from the defaults, so the file stays short and readable."""
    data = _plain(spec)
    for key in ("model", "environment"):
        data.setdefault(key, getattr(spec, key).value)
    data = {k: data[k] for k in [f for f in DeploymentSpec.model_fields if f in data]}
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)


def spec_json_schema() -> dict[str, Any]:
    return DeploymentSpec.model_json_schema()
