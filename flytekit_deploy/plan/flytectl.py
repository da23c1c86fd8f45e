"""The flytectl / pyflyte client configuration that matches the deployment."""

from __future__ import annotations

import yaml

from ..charts.base import ReleaseValues
from ..spec import DeploymentSpec

__all__ = ["flytectl_endpoint", "flytectl_config"]


def flytectl_endpoint(spec: DeploymentSpec, releases: list[ReleaseValues]) -> tuple[str, bool]:
    """(endpoint, insecure): the public host when there is one, else the port a release says it serves locally,
    else a port-forward."""
    if spec.ingress.enabled and spec.ingress.host:
        return f"dns:///{spec.ingress.host}", spec.ingress.scheme != "https"
    for release in releases:
        if release.client_endpoint:
            return release.client_endpoint, True
    return "dns:///localhost:8089", True


def flytectl_config(spec: DeploymentSpec, releases: list[ReleaseValues]) -> str:
    endpoint, insecure = flytectl_endpoint(spec, releases)
    admin: dict[str, object] = {"endpoint": endpoint, "insecure": insecure}
    if spec.auth.enabled:
        admin["authType"] = "Pkce"
        admin["clientId"] = spec.auth.login_client_id
    config = {"admin": admin, "logger": {"show-source": True, "level": 0}}
    header = "# flytectl / pyflyte config: save as ~/.flyte/config.yaml (or pass --config)\n"
    if endpoint == "dns:///localhost:8089":
        header += "# no ingress: port-forward FlyteAdmin's gRPC port to localhost:8089 first (install.md says how)\n"
    return header + yaml.safe_dump(config, sort_keys=False)
