"""spec -> Plan: every release with its values, the steps to install them, the Secrets, the client config and the
placeholders still to fill. A pure function of the spec."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..charts import ReleaseValues, SecretSpec, emit_releases
from ..charts.common import find_placeholders
from ..charts.gateway_api import MANIFEST_FILE, GatewayPlan, front_release, gateway_plan
from ..charts.values_yaml import values_to_yaml
from ..spec import DeploymentSpec, dump_spec
from .commands import Step, install_steps, postrender_flag, secret_command
from .flytectl import flytectl_config
from .gateway_steps import with_gateway_steps
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
    gateway: GatewayPlan | None = None
    """Gateway API objects and controller, when the spec's way in is ``gateway-api``."""

    @property
    def clusters(self) -> list[str]:
        seen: list[str] = []
        for release in self.releases:
            if release.cluster not in seen:
                seen.append(release.cluster)
        return seen

    def values_yaml(self, release: ReleaseValues) -> str:
        """The values file of ``release``; its header shows the install command's extra helm arguments."""
        return values_to_yaml(release, postrender_flag(self.spec))

    def files(self) -> dict[str, str]:
        """The plan as files: values per release, install guide and script, client config, and the spec itself."""
        out = {release.filename: self.values_yaml(release) for release in self.releases}
        out["install.md"] = install_guide(self)
        out["install.sh"] = install_script(self)
        out["flytectl-config.yaml"] = self.flytectl_config
        if self.gateway is not None:
            out[MANIFEST_FILE] = gateway_manifest_yaml(self.gateway)
        out["spec.yaml"] = dump_spec(self.spec)
        infra = infra_result(self.spec, self.releases)
        if infra is not None:
            out.update(files_of(infra))
        return out


def gateway_manifest_yaml(gateway: GatewayPlan) -> str:
    """``gateway-api.yaml``: one document per object, with a header saying how and where to apply it."""
    header = (
        f"# Gateway API objects for {gateway.controller.title}, cluster {gateway.cluster}.\n"
        f"# Apply after the Flyte release: kubectl apply -f {MANIFEST_FILE}\n"
    )
    body = "---\n".join(yaml.safe_dump(obj, sort_keys=False) for obj in gateway.manifests)
    return header + body


def build_plan(spec: DeploymentSpec) -> Plan:
    releases = emit_releases(spec)
    secrets = _merge_secrets(releases)
    gateway = gateway_plan(spec, releases)
    if gateway is not None:  # the install guide shows a release's notes: the Gateway's go with the routed release
        front = front_release(releases)
        if front is not None:
            front.notes.extend(gateway.notes)
    placeholders: dict[str, list[str]] = {}
    for release in releases:
        for marker, paths in find_placeholders(release.values).items():
            placeholders.setdefault(marker, []).extend(f"{release.filename}: {p}" for p in paths)
    if gateway is not None:
        for obj in gateway.manifests:
            for marker, paths in find_placeholders(obj).items():
                where = f"{MANIFEST_FILE}: {obj['kind']} {obj['metadata']['name']}"
                placeholders.setdefault(marker, []).extend(f"{where} {p}" for p in paths)
        for command in gateway.install:
            for arg in command.argv:
                for marker in find_placeholders({"argv": arg}):
                    placeholders.setdefault(marker, []).append(f"install.sh: {command.title}")
    return Plan(
        spec=spec,
        releases=releases,
        secrets=secrets,
        steps=with_gateway_steps(spec, install_steps(spec, releases, secrets), gateway),
        flytectl_config=flytectl_config(spec, releases),
        placeholders=dict(sorted(placeholders.items())),
        gateway=gateway,
    )
