"""Gateway API objects checked against the Gateway API CRD schemas, offline.

The schemas come compiled in the npm package ``@kubernetes-models/gateway-api`` (generated from the upstream
CRDs); a small node script (``data/validate_gateway_api.js``) runs them. ``scripts/bootstrap.sh test`` installs
the package into the project's git-ignored ``.tools/``; ``FLYTEKIT_DEPLOY_NODE_MODULES`` points elsewhere. CEL
rules of the CRDs are not part of these schemas: the wiring rules (:mod:`.gateway_wiring`) cover what matters.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SchemaResult", "find_gateway_models", "validate_gateway_objects", "GATEWAY_GROUP", "INSTALL_HINT"]

GATEWAY_GROUP = "gateway.networking.k8s.io"
PACKAGE = "@kubernetes-models/gateway-api"
INSTALL_HINT = f"npm install --prefix .tools {PACKAGE}@2 (scripts/bootstrap.sh test does it)"
_SCRIPT = Path(__file__).with_name("data") / "validate_gateway_api.js"


@dataclass(frozen=True)
class SchemaResult:
    kind: str
    name: str
    errors: tuple[str, ...]


def find_gateway_models(start: Path | None = None) -> Path | None:
    """The ``node_modules`` folder holding the package: ``$FLYTEKIT_DEPLOY_NODE_MODULES`` or the nearest
    ``.tools/node_modules`` above ``start`` (the project checkout)."""
    env = os.environ.get("FLYTEKIT_DEPLOY_NODE_MODULES")
    candidates = [Path(env)] if env else []
    here = (start or Path(__file__)).resolve()
    candidates += [parent / ".tools" / "node_modules" for parent in [here, *here.parents]]
    for candidate in candidates:
        if (candidate / PACKAGE / "package.json").is_file():
            return candidate
    return None


def validate_gateway_objects(objects: list[dict[str, Any]], node_modules: Path | None = None) -> list[SchemaResult]:
    """One result per object of the Gateway API group (others are not this package's to judge)."""
    wanted = [obj for obj in objects if str(obj.get("apiVersion", "")).startswith(f"{GATEWAY_GROUP}/")]
    if not wanted:
        return []
    modules = node_modules or find_gateway_models()
    node = shutil.which("node")
    if modules is None or node is None:
        raise FileNotFoundError(f"Gateway API schemas need node and {PACKAGE}: {INSTALL_HINT}")
    done = subprocess.run(
        [node, str(_SCRIPT), str(modules)],
        input=json.dumps(wanted),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Gateway API schema check failed to run: {done.stderr.strip()[:500]}")
    return [SchemaResult(r["kind"], r["name"], tuple(r["errors"])) for r in json.loads(done.stdout)]
