"""AWS / EKS: S3, RDS, IRSA, the ALB, CloudWatch, and the AWS presets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..spec import (
    Clusters,
    Component,
    Components,
    Connector,
    ConnectorKind,
    DatabaseFlavour,
    DataPlane,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    GatewayController,
    Identity,
    IdentityMode,
    IdentityProvider,
    Ingress,
    IngressController,
    IngressKind,
    LogProvider,
    Profile,
    Scheduler,
    SchedulerKind,
    SecretRef,
    SslMode,
    StorageProvider,
    Tls,
    TlsMode,
)
from ..spec.validators import check_iam_role_arn
from ._presets import CloudDefaults, Preset, placeholder_buckets, production, production_auth, starter, with_changes
from ._s3 import S3Store
from .aws_infra import aws_module
from .base import BaseCloud, CloudIdentity, ManagedDatabase, named
from .gateway import ENVOY_GATEWAY, STANDARD_CRDS, GatewayControllerInfo, InstallCommand
from .hcl import InfraModule, ServiceAccountRef

__all__ = ["CLOUD", "AwsCloud", "ROLE_NAME_KEY", "DEFAULTS", "cloudwatch_template", "region", "account_id"]

ROLE_NAME_KEY = "iam.amazonaws.com/role"
"""Pod annotation FlyteAdmin writes an execution's IAM role under (upstream's EKS starters); the AWS Batch plugin
must read the role from the same key."""

_CLOUDWATCH_STREAM = "var.log.containers.{{ .podName }}_{{ .namespace }}_{{ .containerName }}-{{ .containerId }}.log"


def cloudwatch_template(spec: DeploymentSpec) -> str:
    """Task log link. CloudWatch Logs Insights link to the Fluent Bit / Container Insights stream of the task's container."""
    group = spec.observability.logs.cloudwatch_log_group
    return (
        "https://console.aws.amazon.com/cloudwatch/home?region="
        + region(spec)
        + "#logEventViewer:group="
        + group
        + ";stream="
        + _CLOUDWATCH_STREAM
    )


_SUBJECT = "system:serviceaccount:{}:{}"


def region(spec: DeploymentSpec) -> str:
    """The AWS region AWS features (CloudWatch links, Batch, the EventBridge scheduler) use; a placeholder when the
    spec has no AWS account section (an AWS feature chosen outside AWS)."""
    return spec.aws.region if spec.aws else "<AWS_REGION>"


def account_id(spec: DeploymentSpec) -> str:
    return spec.aws.account_id if spec.aws else "<AWS_ACCOUNT_ID>"


DEFAULTS = CloudDefaults(
    environment=Environment.AWS,
    storage=placeholder_buckets(StorageProvider.S3, region="<AWS_REGION>"),
    database_flavour=DatabaseFlavour.RDS,
    database_host="<RDS_HOST>",
    sslmode=SslMode.REQUIRE,
    identity=Identity(backend="<FLYTE_BACKEND_IAM_ROLE_ARN>", tasks="<FLYTE_TASKS_IAM_ROLE_ARN>"),
    ingress=Ingress(
        controller=IngressController.ALB,
        host="<FLYTE_HOST>",
        tls=Tls(mode=TlsMode.ACM, certificate_arn="<ACM_CERTIFICATE_ARN>"),
    ),
    logs=LogProvider.CLOUDWATCH,
    idp=IdentityProvider.OKTA,
    issuer="<OIDC_ISSUER_URL>",
    propeller_replicas=2,
)
"""What every AWS preset starts from."""


def eks_starter() -> DeploymentSpec:
    return starter(DEFAULTS)


def eks_production() -> DeploymentSpec:
    return with_changes(
        eks_starter(),
        profile=Profile.PRODUCTION,
        auth=production_auth(IdentityProvider.OKTA, "<OIDC_ISSUER_URL>"),
    )


def eks_core() -> DeploymentSpec:
    return production(DEFAULTS)


def eks_core_aws_scheduler() -> DeploymentSpec:
    spec = eks_core()
    return with_changes(spec, components=with_scheduler(spec.components, Scheduler(kind=SchedulerKind.AWS)))


def with_scheduler(components: Components, scheduler: Scheduler) -> Components:
    return Components.model_validate({**components.model_dump(exclude={"scheduler"}), "scheduler": scheduler})


def eks_multicluster() -> DeploymentSpec:
    return with_changes(
        eks_core(),
        model=DeploymentModel.MULTI_CLUSTER,
        clusters=Clusters(
            data_planes=[
                DataPlane(name="dataplane-1", endpoint="<DATAPLANE_1_K8S_API_URL>", label="default", weight=0.5),
                DataPlane(name="dataplane-2", endpoint="<DATAPLANE_2_K8S_API_URL>", label="default", weight=0.5),
            ]
        ),
    )


def eks_hybrid() -> DeploymentSpec:
    return with_changes(
        eks_starter(),
        model=DeploymentModel.HYBRID,
        components=Components(connector=Component(enabled=True)),
        connectors=[
            Connector(kind=ConnectorKind.AWS_BATCH),
            Connector(
                kind=ConnectorKind.DATABRICKS,
                endpoint="<DATABRICKS_WORKSPACE_URL>",
                secret=SecretRef(name="flyte-connector-secrets", key="databricks-token"),
            ),
        ],
    )


def presets() -> tuple[Preset, ...]:
    """This cloud's presets, in the order ``flytekit-deploy presets`` lists them."""
    return (
        Preset(
            "eks-starter",
            "AWS single cluster on flyte-binary (S3, RDS, IRSA, ALB)",
            eks_starter,
            "flyte-binary/eks-starter.yaml",
        ),
        Preset(
            "eks-production",
            "AWS single cluster on flyte-binary with OIDC auth",
            eks_production,
            "flyte-binary/eks-production.yaml",
        ),
        Preset(
            "eks-core",
            "AWS production on flyte-core (HA, IRSA, ALB, CloudWatch)",
            eks_core,
            "flyte-core/values-eks.yaml",
        ),
        Preset(
            "eks-core-aws-scheduler",
            "AWS production on flyte-core with the EventBridge/SQS scheduler",
            eks_core_aws_scheduler,
            "flyte-core/values-eks-override.yaml",
        ),
        Preset(
            "eks-multicluster",
            "AWS control plane with two data planes (flyte-core)",
            eks_multicluster,
            "flyte-core/values-controlplane.yaml + values-dataplane.yaml",
        ),
        Preset("eks-hybrid", "AWS control plane plus AWS Batch and Databricks connectors", eks_hybrid),
    )


AWS_LOAD_BALANCER_CONTROLLER = GatewayControllerInfo(
    controller=GatewayController.AWS_LOAD_BALANCER_CONTROLLER,
    title="AWS Load Balancer Controller (Gateway API, ALB)",
    gateway_class="aws-alb",
    controller_name="gateway.k8s.aws/alb",
    grpc_route=True,
    tls_modes=(TlsMode.ACM,),
    reason="EKS: an ALB from the Gateway; GRPCRoute on ALB since LBC 2.14; certificates from ACM",
    evidence=(
        "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/gateway/gateway/",
        "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/gateway/l7gateway",
        "https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/gateway/"
        "targetgroupconfig.md",
    ),
    install=(
        InstallCommand(
            "Install the Gateway API standard CRDs",
            ("kubectl", "apply", "--server-side=true", "-f", STANDARD_CRDS),
            "the AWS Load Balancer Controller does not bring the Gateway API CRDs",
        ),
        InstallCommand(
            "Install the AWS Load Balancer Controller's Gateway CRDs",
            (
                "kubectl",
                "apply",
                "-f",
                "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v2.17.1/config/"
                "crd/gateway/gateway-crds.yaml",
            ),
            "LoadBalancerConfiguration and TargetGroupConfiguration (ACM certificate, ip targets)",
        ),
        InstallCommand(
            "Add the eks chart repository",
            ("helm", "repo", "add", "--force-update", "eks", "https://aws.github.io/eks-charts"),
        ),
        InstallCommand(
            "Install the AWS Load Balancer Controller with ALB Gateway API support",
            (
                "helm",
                "upgrade",
                "--install",
                "aws-load-balancer-controller",
                "eks/aws-load-balancer-controller",
                "--version",
                "1.17.1",
                "-n",
                "kube-system",
                "--set-string",
                "clusterName={cluster}",
                "--set",
                "controllerConfig.featureGates.ALBGatewayAPI=true",
            ),
            "the controller turns the Gateway into an ALB (its IAM policy must exist)",
        ),
    ),
    target_group_configurations=True,
    version="v2.17.1 (chart 1.17.1)",
)
"""EKS's own Gateway API implementation."""


class AwsCloud(BaseCloud):
    environment = Environment.AWS
    display_name = "AWS"
    kubernetes_service = "EKS"
    chapter = "aws"
    public_cloud = True
    identity = CloudIdentity(
        mode=IdentityMode.IRSA,
        name="IAM roles (IRSA)",
        annotation="eks.amazonaws.com/role-arn",
        binary_template_variable="defaultIamRole",
        core_template_variable="defaultIamRole",
        backend_placeholder="<FLYTE_BACKEND_IAM_ROLE_ARN>",
        tasks_placeholder="<FLYTE_TASKS_IAM_ROLE_ARN>",
        check=check_iam_role_arn,
        identifier="IAM role ARN",
        trust=lambda spec, backend, tasks: (
            f"let the backend role trust {_SUBJECT.format(*backend)} and the task roles "
            f"{_SUBJECT.format(*tasks)} (StringLike on the cluster's OIDC subject)"
        ),
    )
    object_store = S3Store(StorageProvider.S3, "S3 buckets", compatible=False)
    database = ManagedDatabase(DatabaseFlavour.RDS, "Amazon RDS", "RDS PostgreSQL")
    ingress_controllers = (IngressController.ALB, IngressController.NGINX)
    way_in = IngressKind.INGRESS
    """The ALB Ingress (the AWS Load Balancer Controller, maintained) stays the starters' way in."""
    gateway_controllers = (AWS_LOAD_BALANCER_CONTROLLER, ENVOY_GATEWAY)
    admin_role_name_key = ROLE_NAME_KEY
    internal_lb_annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    }
    """AWS Load Balancer Controller: an internal NLB straight to the pods."""

    @property
    def presets(self) -> tuple[Preset, ...]:
        return presets()

    def account_label(self, spec: DeploymentSpec) -> str:
        settings = spec.aws
        return named("AWS account", settings.account_id, settings.region) if settings else super().account_label(spec)

    def task_pod_env(self, spec: DeploymentSpec) -> list[dict[str, Any]]:
        """flytekit's S3 client on a node without IMDS hop limit 2 needs more time and attempts (upstream's EKS
        overlays set these)."""
        return [{"AWS_METADATA_SERVICE_TIMEOUT": 5}, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": 20}]

    def infrastructure(self, spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule | None:
        """S3, RDS and IRSA roles as a Terraform root module (:mod:`.aws_infra`)."""
        return aws_module(spec, accounts)


CLOUD = AwsCloud()
