"""Cloud knowledge lives in ``flytekit_deploy/clouds/``: this test reads every other module's syntax tree and fails
on a branch on the environment, the object store or the cloud identity, and on a table keyed by them.

What counts as cloud knowledge here:

- a member of ``Environment``, ``StorageProvider`` or ``IdentityMode``, or a managed ``DatabaseFlavour``
  (rds, cloud-sql, azure-postgres), named anywhere (``spec.environment is Environment.AWS``, ``{Environment.GCP: ...}``);
- a comparison with one of their string values (``env == "gcp"``), or a table keyed by two or more of them
  (``{"aws": "rds", "gcp": "cloud-sql"}``; a single key such as flyte-binary's ``providerConfig: {s3: ...}`` is a
  chart key spelling, not a table).

Allowed, each for a reason:

- the enum definitions themselves (class bodies of ``Enum`` subclasses): the spec's vocabulary, including the few
  facts its own validation needs below the clouds layer (``Environment.section``, ``IdentityMode.home``...);
- a member given as a keyword argument inside ``spec/`` (a field's default, the sandbox's own store): a default
  value is not a branch;
- ``spec/validators.py``: the format rules pydantic applies while parsing, below the clouds layer; the cloud
  modules reference them (``CloudIdentity.check``) rather than copy them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from flytekit_deploy.spec import DatabaseFlavour, Environment, IdentityMode, StorageProvider

PACKAGE = Path(__file__).resolve().parents[2] / "flytekit_deploy"
CLOUD_ENUMS = {"Environment", "StorageProvider", "IdentityMode"}
MANAGED_DATABASES = {"RDS", "CLOUD_SQL", "AZURE_POSTGRES"}
CLOUD_VALUES = (
    {e.value for e in Environment}
    | {"onprem"}
    | {p.value for p in StorageProvider}
    | {m.value for m in IdentityMode}
    | {DatabaseFlavour[name].value for name in MANAGED_DATABASES}
)


def _is_cloud_member(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id in CLOUD_ENUMS and node.attr.isupper():
            return True
        if node.value.id == "DatabaseFlavour" and node.attr in MANAGED_DATABASES:
            return True
    return False


def _is_cloud_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CLOUD_VALUES


def _strings_in(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return list(node.elts)
    return [node]


def _enum_bodies(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``class X(str, Enum)`` bodies."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id == "Enum" for base in node.bases
        ):
            inside.update(id(child) for child in ast.walk(node))
    return inside


EXEMPT_MODULES = {Path("flytekit_deploy/spec/validators.py")}


def _spec_keyword_values(tree: ast.AST) -> set[int]:
    return {id(kw.value) for kw in ast.walk(tree) if isinstance(kw, ast.keyword)}


def cloud_branches(path: Path) -> list[str]:
    """``file:line: what`` for every piece of cloud knowledge in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _enum_bodies(tree)
    if path.relative_to(PACKAGE.parent).parts[1] == "spec":
        exempt |= _spec_keyword_values(tree)
    found: list[str] = []
    rel = path.relative_to(PACKAGE.parent)
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if _is_cloud_member(node):
            found.append(f"{rel}:{getattr(node, 'lineno', 0)}: {ast.unparse(node)}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_cloud_string(s) for side in sides for s in _strings_in(side)):
                found.append(f"{rel}:{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Dict) and sum(k is not None and _is_cloud_string(k) for k in node.keys) >= 2:
            found.append(f"{rel}:{node.lineno}: dict keyed by cloud values")
    return found


def outside_clouds() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "clouds" not in p.relative_to(PACKAGE).parts and p.relative_to(PACKAGE.parent) not in EXEMPT_MODULES
    )


def test_the_scanner_sees_a_branch() -> None:
    """The scanner itself: each kind of branch it must catch, and what it must let through."""
    samples = {
        "if spec.environment is Environment.AWS: pass": 1,
        "x = {Environment.GCP: 'GKE'}": 1,
        "if env == 'gcp': pass": 1,
        "y = {'aws': 'rds', 'gcp': 'cloud-sql'}.get(env)": 1,
        "ok = {'providerConfig': {'s3': {}}}": 0,
        "if provider in ('gcs', 'azure'): pass": 1,
        "ok = DatabaseFlavour.EXTERNAL": 0,
        "ok = cloud_of(spec).display_name": 0,
        "class E(str, Enum):\n    AWS = 'aws'": 0,
    }
    tmp = PACKAGE / "_scanner_sample_does_not_exist.py"
    for source, expected in samples.items():
        tree = ast.parse(source)
        exempt = _enum_bodies(tree)
        hits = [
            n
            for n in ast.walk(tree)
            if id(n) not in exempt
            and (
                _is_cloud_member(n)
                or (
                    isinstance(n, ast.Compare)
                    and any(_is_cloud_string(s) for side in [n.left, *n.comparators] for s in _strings_in(side))
                )
                or (isinstance(n, ast.Dict) and sum(k is not None and _is_cloud_string(k) for k in n.keys) >= 2)
            )
        ]
        assert len(hits) == expected, source
    assert not tmp.exists()


def test_no_cloud_branch_outside_clouds() -> None:
    found = [hit for path in outside_clouds() for hit in cloud_branches(path)]
    assert not found, f"{len(found)} cloud branches outside flytekit_deploy/clouds/:\n" + "\n".join(found)
