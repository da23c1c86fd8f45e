"""Reading a person's Helm values file: one place that turns unreadable, malformed, oversized or oddly shaped
files (and duplicate keys, which Helm refuses) into clear bad-input errors (used by the chart-key check and the
importer). Limits and duplicate keys: :mod:`flytekit_deploy.safe_yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, UserInputError
from .safe_yaml import LOADER, check_events, read_text_limited

__all__ = ["read_values_file"]


def _shape(value: Any) -> str:
    if value is None:
        return "an empty file"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def read_values_file(path: str | Path, *, source: str, allow_empty: bool = False) -> dict[str, Any]:
    """The top-level mapping of a values file. An empty file is ``{}`` when ``allow_empty`` (Helm accepts it and it
    sets nothing); otherwise it is bad input, like a file that cannot be read, is not YAML, or is not a mapping."""
    file = Path(path)

    def bad(message: str, fix: str) -> UserInputError:
        return UserInputError([Problem(str(file), message, fix)], source=source)

    try:
        text = read_text_limited(file, kind=UserInputError)
    except FileNotFoundError:
        raise bad("cannot read the values file: no such file", "check the path of the values file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise bad(f"cannot read the values file: {reason}", "pass a readable YAML values file") from None
    try:
        check_events(text, f"{source} ({file})", kind=UserInputError)
        values = yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise bad(
            f"not valid YAML{where}: {problem}",
            "fix the indentation or quoting at that place (helm would refuse the file too)",
        ) from None
    if values is None and allow_empty:
        return {}
    if not isinstance(values, dict):
        raise bad(
            f"a values file must be a mapping of keys at the top level, not {_shape(values)}",
            "pass the values file you install the chart with (top-level keys such as configuration: or flyteadmin:)",
        )
    return values
