"""The shell steps that install a plan: prerequisites, namespaces, Secrets, then one helm command per release.

Every command is built from an argument list (:mod:`.shell`): spec values are quoted, Secret values come from
environment variables through a pipe, never from the command line, and each cluster's commands carry its kube
context when the spec names one (none: the current context).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..charts.base import ReleaseValues, SecretSpec
from ..charts.hardening import POSTRENDER_COMMAND
from ..spec import DeploymentSpec, Hardening, IngressController, TlsMode
from ..spec.base import secret_env_var
from .shell import Raw, env_ref, file_of, join

__all__ = [
    "Step",
    "install_steps",
    "secret_command",
    "ingress_prerequisites",
    "kube_context",
    "secret_env_vars",
    "postrender_flag",
]


@dataclass(frozen=True)
class Step:
    """One command to run against one cluster, and why."""

    cluster: str
    title: str
    command: str
    why: str = ""
    env: tuple[str, ...] = ()
    """Environment variables the command reads (Secret values)."""


@dataclass(frozen=True)
class _AddonChart:
    repo_name: str
    repo_url: str
    release: str
    chart: str
    namespace: str
    why: str
    extra: tuple[str, ...] = field(default_factory=tuple)


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
            extra=("--set-string", f"clusterName={cluster_name}"),
        )
    return None  # GCE is built into GKE; none means port-forward


def kube_context(spec: DeploymentSpec, cluster: str) -> str | None:
    """The kubeconfig context of one cluster of the plan: a data plane's own ``kube_context``, else the main
    cluster's ``clusters.kube_context``; None means the current context (never a guess from the cluster name)."""
    for plane in spec.clusters.data_planes:
        if plane.name == cluster:
            return plane.kube_context
    return spec.clusters.kube_context


def _kubectl(context: str | None, *args: str | Raw) -> list[str | Raw]:
    return ["kubectl", *(["--context", context] if context else []), *args]


def _helm(context: str | None, *args: str | Raw) -> list[str | Raw]:
    return ["helm", *args, *(["--kube-context", context] if context else [])]


def _apply(context: str | None) -> list[str | Raw]:
    """``| kubectl apply -f -``: create or update, so the script can run again."""
    return [Raw("|"), *_kubectl(context, "apply", "-f", "-")]


def ingress_prerequisites(
    spec: DeploymentSpec, cluster: str, controller_provided: bool = False, context: str | None = None
) -> list[Step]:
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
                extra=(
                    "--set",
                    "crds.enabled=true",
                    # cert-manager's Gateway support (>= 1.15): certificates for the kit's Gateway listener
                    *(
                        (
                            "--set",
                            "config.apiVersion=controller.config.cert-manager.io/v1alpha1",
                            "--set",
                            "config.kind=ControllerConfiguration",
                            "--set",
                            "config.enableGatewayAPI=true",
                        )
                        if spec.ingress.gateway_api
                        else ()
                    ),
                ),
            )
        )
    for addon in addons:
        if addon is None:
            continue
        steps.append(
            Step(
                cluster,
                f"Add the {addon.repo_name} chart repository",
                join(["helm", "repo", "add", "--force-update", addon.repo_name, addon.repo_url]),
            )
        )
        argv = ["upgrade", "--install", addon.release, addon.chart, "-n", addon.namespace, "--create-namespace"]
        command = join(_helm(context, *argv, *addon.extra))
        steps.append(Step(cluster, f"Install {addon.release}", command, addon.why))
    return steps


def secret_env_vars(secret: SecretSpec) -> list[str]:
    """The environment variables one Secret's values are read from (none for inline sandbox values or TLS)."""
    if secret.kind == "tls":
        return []
    return [secret_env_var(secret.name, k) for k in secret.keys if not (secret.values and k in secret.values)]


def secret_command(secret: SecretSpec, context: str | None = None) -> str:
    """Create or update one Secret. Values come from environment variables (inline only in the sandbox) and reach
    kubectl as files (``--from-file=key=<(printf ...)``), never as arguments other processes could list."""
    head = _kubectl(context, "-n", secret.namespace, "create", "secret")
    if secret.kind == "tls":
        argv = [*head, "tls", secret.name, f"--cert=./{secret.name}.crt", f"--key=./{secret.name}.key"]
        return join([*argv, "--dry-run=client", "-o", "yaml", *_apply(context)])
    lines = [join([*head, "generic", secret.name])]
    for key in secret.keys:
        if secret.values and key in secret.values:
            source = file_of(secret.values[key])
        else:
            source = file_of(env_ref(secret_env_var(secret.name, key)))
        lines.append(join([Raw(join([f"--from-file={key}="]) + source)]))
    lines.append(join(["--dry-run=client", "-o", "yaml", *_apply(context)]))
    return " \\\n    ".join(lines)


def postrender_flag(spec: DeploymentSpec) -> list[str]:
    """``["--post-renderer", "flytekit-deploy-postrender"]`` (helm arguments) when ``hardening`` is restricted, else
    none: it patches what the charts hard-code (see :mod:`flytekit_deploy.charts.postrender`); the console script
    comes with the kit."""
    if spec.hardening_level is Hardening.RESTRICTED:
        return ["--post-renderer", POSTRENDER_COMMAND]
    return []


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
        context = kube_context(spec, cluster)
        if context:
            check = Step(
                cluster,
                f"Check that kube context {context} (cluster {cluster}) exists",
                join(["kubectl", "config", "get-contexts", context]),
                "every following command of this cluster names this context",
            )
        else:
            check = Step(
                cluster,
                f"Show the current kube context (cluster {cluster})",
                join(["kubectl", "config", "current-context"]),
                "no kube_context in the spec: the commands of this cluster run against the current context",
            )
        steps.append(check)
        namespaces = sorted({r.namespace for r in releases if r.cluster == cluster})
        for namespace in namespaces:
            argv = _kubectl(context, "create", "namespace", namespace, "--dry-run=client", "-o", "yaml")
            steps.append(Step(cluster, f"Create namespace {namespace}", join([*argv, *_apply(context)])))
        if cluster == ingress_cluster:
            provided = any(r.provides_ingress_controller for r in releases if r.cluster == cluster)
            steps += ingress_prerequisites(spec, cluster, provided, context)
        for secret in secrets:
            if secret.cluster == cluster:
                steps.append(
                    Step(
                        cluster,
                        f"Create Secret {secret.name}",
                        secret_command(secret, context),
                        secret.purpose,
                        tuple(secret_env_vars(secret)),
                    )
                )
        repos = {(r.repo_name, r.repo) for r in releases if r.cluster == cluster}
        for repo_name, url in sorted(repos):
            command = join(["helm", "repo", "add", "--force-update", repo_name, url])
            command += " && " + join(["helm", "repo", "update", repo_name])
            steps.append(Step(cluster, f"Add the {repo_name} chart repository", command))
        for release in releases:
            if release.cluster != cluster:
                continue
            argv = ["upgrade", "--install", release.release, release.chart_ref, "--version", release.version]
            argv += ["-n", release.namespace, "--create-namespace", "-f", release.filename, *release.extra_helm_args]
            argv += postrender_flag(spec)
            steps.append(
                Step(
                    cluster,
                    f"Install {release.chart.value} ({release.role})",
                    join(_helm(context, *argv)),
                    "pinned: the repository's newest flyte-binary is a Flyte 2 chart",
                )
            )
    return steps
