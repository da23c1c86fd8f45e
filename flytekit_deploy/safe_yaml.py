"""Reading YAML a person wrote, with limits checked before any parsing work can explode.

``yaml.safe_load`` expands aliases (a billion-laughs file becomes gigabytes), recurses into nesting (hundreds of
levels end in RecursionError) and keeps the last of two equal keys without a word (Helm refuses them). Here one
pass over the parser's events, which neither recurses nor expands, checks:

- file size (before reading it all), nesting depth, the number of nodes once aliases are expanded, and the
  number of mapping keys — exceeding a limit is an error that names the limit and how to raise it;
- duplicate keys, reported with their field path and both line numbers.

Only then is the document constructed (with the C loader when present). Spec files and a person's Helm values
files are read through here; it sits below the spec layer (it needs only the error types).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, SpecError, UserInputError

__all__ = ["Limits", "LIMITS", "LOADER", "read_text_limited", "load_yaml", "check_events"]


@dataclass(frozen=True)
class Limits:
    """Bounds on one input file; each can be raised with the environment variable named in its error."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 100_000
    max_keys: int = 20_000

    @classmethod
    def from_env(cls) -> Limits:
        def read(name: str, default: int) -> int:
            raw = os.environ.get(f"FLYTEKIT_DEPLOY_{name}")
            try:
                return max(1, int(raw)) if raw else default
            except ValueError:
                return default

        base = cls()
        return cls(
            read("MAX_BYTES", base.max_bytes),
            read("MAX_DEPTH", base.max_depth),
            read("MAX_NODES", base.max_nodes),
            read("MAX_KEYS", base.max_keys),
        )


LIMITS = Limits()

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe YAML loader, in C when PyYAML was built with libyaml."""
_RESOLVER = yaml.resolver.Resolver()


def _limit_error(
    source: str, where: str, what: str, env: str, value: int, kind: type[UserInputError] = SpecError
) -> UserInputError:
    return kind(
        [
            Problem(
                where,
                f"{what} (limit {value:,})",
                f"check that this is the file you meant; if it really is, raise the limit: {env}={value * 4}",
            )
        ],
        source=source,
    )


def read_text_limited(path: Path, limits: Limits | None = None, kind: type[UserInputError] = SpecError) -> str:
    """The text of ``path``, refusing a file larger than ``limits.max_bytes`` before reading it all."""
    limits = limits or Limits.from_env()
    with open(path, "rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _limit_error(
            str(path), "", "the file is larger than the kit reads", "FLYTEKIT_DEPLOY_MAX_BYTES", limits.max_bytes, kind
        )
    return data.decode("utf-8")


@dataclass
class _Frame:
    mapping: bool
    path: str
    anchor: str | None
    start_count: int
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    expect_key: bool = True
    current: str = ""
    index: int = 0


def _child_path(frame: _Frame) -> str:
    if frame.mapping:
        return f"{frame.path}.{frame.current}" if frame.path else frame.current
    return f"{frame.path}[{frame.index}]"


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 0


def check_events(
    text: str, source: str = "spec", limits: Limits | None = None, kind: type[UserInputError] = SpecError
) -> None:
    """Walk the parser's events once; raise ``kind`` (a :class:`UserInputError`) for a limit exceeded or
    duplicate keys."""
    limits = limits or Limits.from_env()
    if len(text.encode("utf-8", errors="replace")) > limits.max_bytes:
        raise _limit_error(
            source, "", "the text is larger than the kit reads", "FLYTEKIT_DEPLOY_MAX_BYTES", limits.max_bytes, kind
        )
    stack: list[_Frame] = []
    sizes: dict[str, int] = {}
    count = keys = 0
    duplicates: list[Problem] = []

    def place() -> tuple[str, bool]:
        """Where the node that starts now goes: its path, and whether it is a mapping key."""
        if not stack:
            return "", False
        top = stack[-1]
        if top.mapping and top.expect_key:
            return top.path, True
        return _child_path(top), False

    def finished() -> None:
        """A value (or a key) is complete: the enclosing collection moves on."""
        if not stack:
            return
        top = stack[-1]
        if top.mapping:
            top.expect_key = not top.expect_key
        else:
            top.index += 1

    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.ScalarEvent):
                count += 1
                path, is_key = place()
                if is_key:
                    keys += 1
                    top = stack[-1]
                    top.current = event.value
                    plain = event.implicit[0] and not event.style
                    marker = (
                        event.value,
                        _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
                        if plain
                        else "tag:yaml.org,2002:str",
                    )
                    line = _line(event)
                    if marker in top.keys and event.value != "<<":
                        where = f"{path}.{event.value}" if path else event.value
                        duplicates.append(
                            Problem(
                                where,
                                f"duplicate key '{event.value}' at lines {top.keys[marker]} and {line}",
                                "keep one of them: YAML readers silently keep the last one, Helm refuses the file",
                            )
                        )
                    top.keys.setdefault(marker, line)
                if event.anchor:
                    sizes[event.anchor] = 1
                finished()
            elif isinstance(event, yaml.AliasEvent):
                count += sizes.get(event.anchor or "", 1)
                place()
                finished()
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                count += 1
                path, is_key = place()
                stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), path, event.anchor, count))
                if len(stack) > limits.max_depth:
                    where = f"line {_line(event)}, column {event.start_mark.column + 1 if event.start_mark else 0}"
                    raise _limit_error(
                        source, where, "the file nests too deep", "FLYTEKIT_DEPLOY_MAX_DEPTH", limits.max_depth, kind
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frame = stack.pop()
                if frame.anchor:
                    sizes[frame.anchor] = count - frame.start_count + 1
                finished()
            if count > limits.max_nodes:
                raise _limit_error(
                    source,
                    place()[0],
                    "the file expands to too many values (aliases such as *a count once per use)",
                    "FLYTEKIT_DEPLOY_MAX_NODES",
                    limits.max_nodes,
                    kind,
                )
            if keys > limits.max_keys:
                raise _limit_error(
                    source, "", "the file has too many keys", "FLYTEKIT_DEPLOY_MAX_KEYS", limits.max_keys, kind
                )
    except yaml.YAMLError:
        return  # the loader reports the syntax error with its line and column
    if duplicates:
        raise kind(duplicates, source=source)


def load_yaml(
    text: str, source: str = "spec", limits: Limits | None = None, kind: type[UserInputError] = SpecError
) -> Any:
    """Parse YAML (JSON is YAML too) after :func:`check_events`; syntax errors become a Problem with the line."""
    check_events(text, source, limits, kind)
    try:
        return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise kind(
            [Problem(where, f"not valid YAML: {problem}", "fix the indentation or quoting at that place")],
            source=source,
        ) from None
    except RecursionError:
        raise _limit_error(source, "", "the file nests too deep", "FLYTEKIT_DEPLOY_MAX_DEPTH", 64, kind) from None
