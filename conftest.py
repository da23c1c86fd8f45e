"""Collection rules for the package's doctests (``pytest --doctest-modules flytekit_deploy``).

Importing a module to find its doctests must not load an optional heavy extra: the paths below are left out,
each with the reason.
"""

from __future__ import annotations

collect_ignore_glob = [
    # ipywidgets (the `jupyter` extra) is imported at module level by every widget module; they carry no doctests
    # and are tested through tests/widgets/, which skips without the extra.
    "flytekit_deploy/widgets/*.py",
]
