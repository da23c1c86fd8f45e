"""The shell steps that install a plan: prerequisites, namespaces, Secrets, then one helm command per release."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..charts.base import ReleaseValues, SecretSpec
from ..charts.hardening import POSTRENDER_COMMAND
from ..spec import DeploymentSpec, Hardening, IngressController, TlsMode
from ..spec.base import secret_env_var

__all__ = ["Step", "install_steps", "secret_command", "ingress_prerequisites", "postrender_flag"]


@dataclass(frozen=True)
class Step:
    """One command to run against one cluster, and why."""

    cluster: str
    title: str
    command: str
    why: str = ""


@dataclass(frozen=True)
class _AddonChart:
    repo_name: str
    repo_url: str
    release: str
    chart: str
    namespace: str
    why: str
    extra: str = ""


def _ingress_addon(spec: DeploymentSpec, cluster_name: str) -> _AddonChart | None:
    controller = spec.ingress.controller
    if controller is IngressController.NGINX:
        return _AddonChart(
            "ingress-nginx",
            "https://kubernetes.github.io/ingress-nginx",
            "ingress-nginx",
            "ingress-nginx/ingress-nginx",
            "ingress-nginx",
            "the NGINX ingress controller serves the Flyte Ingresses",
        )
    if controller is IngressController.CONTOUR:
        return _AddonChart(
            "bitnami",
            "https://charts.bitnami.com/bitnami",
            "contour",
            "bitnami/contour",
            "projectcontour",
            "Contour (Envoy) serves the Flyte Ingresses and proxies gRPC without extra annotations",
        )
    if controller is IngressController.TRAEFIK:
        return _AddonChart(
            "traefik",
            "https://traefik.github.io/charts",
            "traefik",
            "traefik/traefik",
            "traefik",
            "Traefik serves the Flyte Ingresses",
        )
    if controller is IngressController.ALB:
        return _AddonChart(
            "eks",
            "https://aws.github.io/eks-charts",
            "aws-load-balancer-controller",
            "eks/aws-load-balancer-controller",
            "kube-system",
            "the AWS Load Balancer Controller turns the Ingresses into an ALB (its IAM policy must exist)",
            extra=f"--set clusterName={shlex.quote(cluster_name)}",
        )
    return None  # GCE is built into GKE; none means port-forward


def ingress_prerequisites(spec: DeploymentSpec, cluster: str, controller_provided: bool = False) -> list[Step]:
    """Controllers the Ingresses need, installed before Flyte (nothing for GCE or port-forward, nor when a release
    of the plan brings the controller itself)."""
    steps: list[Step] = []
    addons = [None if controller_provided else _ingress_addon(spec, cluster)]
    if spec.ingress.enabled and spec.ingress.tls.mode is TlsMode.CERT_MANAGER:
        addons.append(
            _AddonChart(
                "jetstack",
                "https://charts.jetstack.io",
                "cert-manager",
                "jetstack/cert-manager",
                "cert-manager",
                f"cert-manager issues the TLS certificate through ClusterIssuer {spec.ingress.tls.cluster_issuer}",
                extra="--set crds.enabled=true",
            )
        )
    for addon in addons:
        if addon is None:
            continue
        steps.append(
            Step(
                cluster,
                f"Add the {addon.repo_name} chart repository",
                f"helm repo add {addon.repo_name} {addon.repo_url}",
            )
        )
        command = f"helm upgrade --install {addon.release} {addon.chart} -n {addon.namespace} --create-namespace" + (
            f" {addon.extra}" if addon.extra else ""
        )
        steps.append(Step(cluster, f"Install {addon.release}", command, addon.why))
    return steps


def secret_command(secret: SecretSpec) -> str:
    """``kubectl create secret`` for one Secret; values come from environment variables (inline only in sandbox)."""
    if secret.kind == "tls":
        return (
            f"kubectl -n {secret.namespace} create secret tls {secret.name} "
            f"--cert=./{secret.name}.crt --key=./{secret.name}.key"
        )
    parts = [f"kubectl -n {secret.namespace} create secret generic {secret.name}"]
    for key in secret.keys:
        if secret.values and key in secret.values:
            parts.append(f"--from-literal={key}={shlex.quote(secret.values[key])}")
        else:
            parts.append(f'--from-literal={key}="${{{secret_env_var(secret.name, key)}}}"')
    return " \\\n    ".join(parts)


def postrender_flag(spec: DeploymentSpec) -> str:
    """`` --post-renderer flytekit-deploy-postrender`` when ``hardening`` is restricted: it patches what the
    charts hard-code (see :mod:`flytekit_deploy.charts.postrender`); the console script comes with the kit."""
    if spec.hardening_level is Hardening.RESTRICTED:
        return f" --post-renderer {shlex.quote(POSTRENDER_COMMAND)}"
    return ""


def install_steps(spec: DeploymentSpec, releases: list[ReleaseValues], secrets: list[SecretSpec]) -> list[Step]:
    """All steps in order, cluster by cluster, in the order the emitters return releases (data planes before the
    control plane: its cluster-credentials Secret is made from the data planes' tokens). Ingress prerequisites go
    to the cluster that serves the Ingresses."""
    steps: list[Step] = []
    clusters: list[str] = []
    ingress_cluster = next(
        (r.cluster for r in releases if r.role in ("all-in-one", "control-plane")), releases[0].cluster
    )
    for release in releases:
        if release.cluster not in clusters:
            clusters.append(release.cluster)
    for cluster in clusters:
        steps.append(
            Step(
                cluster,
                f"Point kubectl at cluster {cluster}",
                f"kubectl config use-context {cluster}",
                "every following command of this cluster runs against it",
            )
        )
        namespaces = sorted({r.namespace for r in releases if r.cluster == cluster})
        for namespace in namespaces:
            steps.append(
                Step(
                    cluster,
                    f"Create namespace {namespace}",
                    f"kubectl create namespace {namespace} --dry-run=client -o yaml | kubectl apply -f -",
                )
            )
        if cluster == ingress_cluster:
            provided = any(r.provides_ingress_controller for r in releases if r.cluster == cluster)
            steps += ingress_prerequisites(spec, cluster, provided)
        for secret in secrets:
            if secret.cluster == cluster:
                steps.append(Step(cluster, f"Create Secret {secret.name}", secret_command(secret), secret.purpose))
        repos = {(r.repo_name, r.repo) for r in releases if r.cluster == cluster}
        for repo_name, url in sorted(repos):
            steps.append(
                Step(
                    cluster,
                    f"Add the {repo_name} chart repository",
                    f"helm repo add {repo_name} {url} && helm repo update {repo_name}",
                )
            )
        for release in releases:
            if release.cluster != cluster:
                continue
            command = (
                f"helm upgrade --install {release.release} {release.chart_ref} --version {release.version} "
                f"-n {release.namespace} --create-namespace -f {release.filename}"
            )
            if release.extra_helm_args:
                command += " " + " ".join(release.extra_helm_args)
            command += postrender_flag(spec)
            steps.append(
                Step(
                    cluster,
                    f"Install {release.chart.value} ({release.role})",
                    command,
                    "pinned: the repository's newest flyte-binary is a Flyte 2 chart",
                )
            )
    return steps
