"""Kubernetes schema checks for rendered objects (``kubernetes-validate``, offline, strict).

Split from :mod:`.render` so the schema side can be used on any list of objects, e.g. upstream's own
rendered files. Built-in kinds use the schemas ``kubernetes-validate`` ships for the pinned version; a
custom resource uses the ``openAPIV3Schema`` of a CustomResourceDefinition in the same set of objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from ..errors import Problem, UserInputError
from .findings import Finding, Severity

__all__ = ["ManifestObject", "supported_versions", "validate_objects"]

CHAPTER = "helm-deployment"
HELM_INSTALL_HINT = "pip install 'flytekit-deploy[helm]'"


class ManifestObject(Protocol):
    """What the checks need of a rendered object (see :class:`.render.RenderedObject`)."""

    @property
    def source(self) -> str: ...
    @property
    def body(self) -> Any: ...
    @property
    def kind(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    @property
    def name(self) -> str: ...


def _import_validator() -> Any:
    try:
        import kubernetes_validate.utils as kv
    except ImportError as exc:
        raise UserInputError(
            [
                Problem(
                    path="kubernetes-validate",
                    message="Kubernetes schema checks need the kubernetes-validate package, which is not installed",
                    fix=HELM_INSTALL_HINT,
                )
            ],
            source="render",
        ) from exc
    return kv


def supported_versions() -> list[str]:
    """Kubernetes minor versions (``"1.29"``) whose schemas the installed kubernetes-validate ships."""
    kv = _import_validator()
    return sorted({".".join(v.split(".")[:2]) for v in kv.all_versions()}, key=lambda v: tuple(map(int, v.split("."))))


def _minor(version: str) -> str:
    return ".".join(version.lstrip("v").split(".")[:2])


@lru_cache(maxsize=8)
def _served(minor: str) -> Mapping[str, tuple[str, ...]]:
    """kind (lower case) -> the API versions the schemas know for it, e.g. ``deployment -> ("apps/v1",)``."""
    folder = (
        resources.files("kubernetes_validate").joinpath("kubernetes-json-schema").joinpath(f"v{minor}.0-local-strict")
    )
    served: dict[str, list[str]] = {}
    for entry in folder.iterdir():
        stem = entry.name.removesuffix(".json")
        if stem.startswith("_") or "-" not in stem:
            continue
        kind, _, api = stem.partition("-")
        served.setdefault(kind, []).append(api.replace("-", "/", 1) if "-" in api else api)
    return {kind: tuple(sorted(apis)) for kind, apis in served.items()}


def _crd_schemas(objects: Iterable[ManifestObject]) -> dict[tuple[str, str], dict[str, Any]]:
    """``(apiVersion, kind) -> openAPIV3Schema`` from every CustomResourceDefinition (v1 and v1beta1 shapes)."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in objects:
        if obj.kind != "CustomResourceDefinition" or not isinstance(obj.body, Mapping):
            continue
        spec = obj.body.get("spec") or {}
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        if not group or not kind:
            continue
        shared = (spec.get("validation") or {}).get("openAPIV3Schema")  # v1beta1: one schema for all versions
        versions = spec.get("versions") or ([{"name": spec["version"]}] if spec.get("version") else [])
        for ver in versions:
            schema = (ver.get("schema") or {}).get("openAPIV3Schema") or shared
            if isinstance(schema, Mapping):
                schemas[(f"{group}/{ver.get('name')}", kind)] = dict(schema)
    return schemas


def _where(obj: ManifestObject) -> str:
    return f"{obj.kind or '?'} {obj.name or '(no name)'}"


def _finding(severity: Severity, obj: ManifestObject, release: str, text: str, fix: str, rule: str) -> Finding:
    return Finding(
        severity=severity,
        path=obj.source,
        message=f"release {release}: {_where(obj)}: {text}",
        fix=fix,
        chapter=CHAPTER,
        rule=rule,
    )


def _field(error: Any) -> str:
    """Dotted field of a schema error; for an unknown field, the unknown field itself, not its parent."""
    parts = [str(p) for p in error.path]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = set((error.schema or {}).get("properties") or {})
        unexpected = sorted(str(k) for k in error.instance if k not in known)
        if unexpected:
            parts.append(unexpected[0])
    return ".".join(parts) if parts else "(object)"


def _check_custom(obj: ManifestObject, schema: Mapping[str, Any], release: str) -> list[Finding]:
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    out = []
    for error in sorted(validator_cls(schema).iter_errors(obj.body), key=lambda e: list(map(str, e.path))):
        out.append(
            _finding(
                Severity.ERROR,
                obj,
                release,
                f"field `{_field(error)}`: {error.message} (schema of its CustomResourceDefinition)",
                "fix the value that renders this field",
                "render.crd-schema",
            )
        )
    return out


def _check_object(
    obj: ManifestObject,
    *,
    release: str,
    minor: str,
    crds: Mapping[tuple[str, str], Mapping[str, Any]],
    api_versions_applied: bool,
    kv: Any,
) -> list[Finding]:
    if not isinstance(obj.body, Mapping) or not obj.kind or not obj.api_version:
        return [
            _finding(
                Severity.ERROR,
                obj,
                release,
                "document is not a Kubernetes object (it needs apiVersion and kind)",
                "remove stray text from the template or the value inserted into it",
                "render.not-an-object",
            )
        ]
    schema = crds.get((obj.api_version, obj.kind))
    if schema is not None:
        return _check_custom(obj, schema, release)
    try:
        kv.validate(dict(obj.body), minor, strict=True)
    except kv.ValidationError as error:
        return [
            _finding(
                Severity.ERROR,
                obj,
                release,
                f"field `{_field(error)}`: {error.message} (Kubernetes {minor}, strict)",
                "fix the value that renders this field; unknown fields are typos or keys of another API version",
                "render.schema",
            )
        ]
    except kv.SchemaNotFoundError:
        pass
    else:
        return []
    served = _served(minor).get(obj.kind.lower())
    if served and obj.kind == "CustomResourceDefinition" and not api_versions_applied:
        return [
            _finding(
                Severity.INFO,
                obj,
                release,
                f"rendered as {obj.api_version} because the engine took no API versions; not checked",
                "render with the helm binary and --api-versions apiextensions.k8s.io/v1/CustomResourceDefinition",
                "render.api-versions",
            )
        ]
    if served:
        return [
            _finding(
                Severity.ERROR,
                obj,
                release,
                f"apiVersion {obj.api_version} is not served by Kubernetes {minor} "
                f"(it serves {obj.kind} as: {', '.join(served)})",
                "use a chart version that renders a current apiVersion, or pass --api-versions / --kube-version",
                "render.removed-api",
            )
        ]
    return [
        _finding(
            Severity.INFO,
            obj,
            release,
            f"custom resource {obj.api_version} with no CustomResourceDefinition in this render; not checked",
            f"install the operator that defines {obj.kind} before this release, or disable the feature",
            "render.no-schema",
        )
    ]


def validate_objects(
    objects: Iterable[ManifestObject],
    *,
    release: str,
    kubernetes_version: str = "1.29",
    api_versions_applied: bool = True,
) -> list[Finding]:
    """Check each object against Kubernetes ``kubernetes_version`` (strict) or its CRD's schema."""
    kv = _import_validator()
    minor = _minor(kubernetes_version)
    versions = supported_versions()
    if minor not in versions:
        raise UserInputError(
            [
                Problem(
                    path="kubernetes_version",
                    message=f"no Kubernetes schemas for {kubernetes_version!r} in the installed kubernetes-validate",
                    fix=f"use one of {', '.join(versions)}",
                )
            ],
            source="render",
        )
    items = list(objects)
    crds = _crd_schemas(items)
    out: list[Finding] = []
    for obj in items:
        out += _check_object(
            obj, release=release, minor=minor, crds=crds, api_versions_applied=api_versions_applied, kv=kv
        )
    return out
