"""spec -> Plan: every release with its values, the steps to install them, the Secrets, the client config and the
placeholders still to fill. A pure function of the spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..charts import ReleaseValues, SecretSpec, emit_releases
from ..charts.common import find_placeholders
from ..charts.values_yaml import values_to_yaml
from ..spec import DeploymentSpec, dump_spec
from .commands import Step, install_steps, secret_command
from .flytectl import flytectl_config
from .guide import install_guide, install_script
from .infra import files_of, infra_result

__all__ = ["Plan", "build_plan", "Step", "secret_command"]


def _merge_secrets(releases: list[ReleaseValues]) -> list[SecretSpec]:
    """One entry per (cluster, namespace, name), keys united: two releases may need the same Secret."""
    merged: dict[tuple[str, str, str], SecretSpec] = {}
    for release in releases:
        for secret in release.secrets:
            key = (secret.cluster, secret.namespace, secret.name)
            if key not in merged:
                merged[key] = SecretSpec(
                    name=secret.name,
                    namespace=secret.namespace,
                    keys=dict(secret.keys),
                    cluster=secret.cluster,
                    purpose=secret.purpose,
                    spec_paths=list(secret.spec_paths),
                    values=dict(secret.values) if secret.values else None,
                    kind=secret.kind,
                )
                continue
            known = merged[key]
            known.keys.update(secret.keys)
            known.spec_paths += [p for p in secret.spec_paths if p not in known.spec_paths]
            if secret.purpose not in known.purpose:
                known.purpose += f"; {secret.purpose}"
            if secret.values:
                known.values = {**(known.values or {}), **secret.values}
    return list(merged.values())


@dataclass
class Plan:
    """Everything derived from one spec that a person needs to install it."""

    spec: DeploymentSpec
    releases: list[ReleaseValues]
    secrets: list[SecretSpec]
    steps: list[Step]
    flytectl_config: str
    placeholders: dict[str, list[str]] = field(default_factory=dict)
    """``<PLACEHOLDER>`` -> where it stands (``values file: key path``)."""

    @property
    def clusters(self) -> list[str]:
        seen: list[str] = []
        for release in self.releases:
            if release.cluster not in seen:
                seen.append(release.cluster)
        return seen

    def values_yaml(self, release: ReleaseValues) -> str:
        return values_to_yaml(release)

    def files(self) -> dict[str, str]:
        """The plan as files: values per release, install guide and script, client config, and the spec itself."""
        out = {release.filename: values_to_yaml(release) for release in self.releases}
        out["install.md"] = install_guide(self)
        out["install.sh"] = install_script(self)
        out["flytectl-config.yaml"] = self.flytectl_config
        out["spec.yaml"] = dump_spec(self.spec)
        infra = infra_result(self.spec, self.releases)
        if infra is not None:
            out.update(files_of(infra))
        return out


def build_plan(spec: DeploymentSpec) -> Plan:
    releases = emit_releases(spec)
    secrets = _merge_secrets(releases)
    placeholders: dict[str, list[str]] = {}
    for release in releases:
        for marker, paths in find_placeholders(release.values).items():
            placeholders.setdefault(marker, []).extend(f"{release.filename}: {p}" for p in paths)
    return Plan(
        spec=spec,
        releases=releases,
        secrets=secrets,
        steps=install_steps(spec, releases, secrets),
        flytectl_config=flytectl_config(spec, releases),
        placeholders=dict(sorted(placeholders.items())),
    )
