"""Named starting points. Each is an ordinary DeploymentSpec with placeholders (``<LIKE_THIS>``) where only the
person knows the answer; the plan lists the placeholders still to fill.

Where upstream Flyte ships an overlay for the same setup, the preset is the spec that emits values meaning the
same thing (tests/charts compare them with ../shared/reference).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import Problem, SpecError
from .spec import (
    Auth,
    AuthMode,
    ChartName,
    Clusters,
    Component,
    Components,
    Connector,
    ConnectorKind,
    Database,
    DatabaseFlavour,
    DataPlane,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    Identity,
    IdentityProvider,
    Ingress,
    IngressController,
    IngressKind,
    LogProvider,
    Logs,
    Observability,
    Profile,
    Projects,
    Propeller,
    Quota,
    Scheduler,
    SchedulerKind,
    SecretRef,
    SslMode,
    Storage,
    StorageCredentials,
    StorageProvider,
    Tls,
    TlsMode,
)

__all__ = ["Preset", "PRESETS", "get_preset", "preset_names"]


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    build: Callable[[], DeploymentSpec]
    upstream: str = ""
    """The upstream reference overlay this preset matches, if any."""


def _with(spec: DeploymentSpec, **changes: object) -> DeploymentSpec:
    """A copy of ``spec`` with some sections replaced, validated again (model_copy would skip the rules)."""
    data = spec.model_dump(exclude=set(changes))
    return DeploymentSpec.model_validate({**data, **changes})


@dataclass(frozen=True)
class _Cloud:
    """What one environment's presets share: its services, its identities, its ingress and its log backend.
    Presets take deep copies of these models, so editing one spec never changes another."""

    environment: Environment
    storage: Storage
    database_flavour: DatabaseFlavour
    database_host: str
    sslmode: SslMode
    ingress: Ingress
    idp: IdentityProvider
    issuer: str
    identity: Identity = field(default_factory=Identity)
    logs: LogProvider | None = None
    starter_name: str = "flyte-backend"
    propeller_replicas: int = 1

    def database(self, sslmode: SslMode | None = None) -> Database:
        return Database(
            flavour=self.database_flavour,
            host=self.database_host,
            user="flyteadmin",
            admin_dbname="flyteadmin",
            datacatalog_dbname="datacatalog",
            sslmode=sslmode or self.sslmode,
            password=SecretRef(name="db-pass", key="pass.txt"),
        )

    def observability(self) -> Observability:
        return Observability(logs=Logs(providers=[self.logs])) if self.logs else Observability()


def _placeholder_buckets(provider: StorageProvider, noun: str = "BUCKET", **extra: object) -> Storage:
    return Storage(
        provider=provider,
        metadata_bucket=f"<METADATA_{noun}_NAME>",
        raw_data_bucket=f"<RAW_DATA_{noun}_NAME>",
        **extra,  # type: ignore[arg-type]
    )


def _cert_manager_gateway() -> Ingress:
    """Gateway API with the environment's recommended controller (gRPC by design), TLS from cert-manager."""
    return Ingress(
        kind=IngressKind.GATEWAY_API,
        host="<FLYTE_HOST>",
        tls=Tls(mode=TlsMode.CERT_MANAGER, cluster_issuer="letsencrypt-production"),
    )


AWS = _Cloud(
    environment=Environment.AWS,
    storage=_placeholder_buckets(StorageProvider.S3, region="<AWS_REGION>"),
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
GCP = _Cloud(
    environment=Environment.GCP,
    storage=_placeholder_buckets(StorageProvider.GCS),
    database_flavour=DatabaseFlavour.CLOUD_SQL,
    database_host="<CLOUD_SQL_IP>",
    sslmode=SslMode.DISABLE,
    identity=Identity(backend="<FLYTE_BACKEND_GSA_EMAIL>", tasks="<FLYTE_TASKS_GSA_EMAIL>"),
    ingress=_cert_manager_gateway(),
    logs=LogProvider.STACKDRIVER,
    idp=IdentityProvider.GOOGLE,
    issuer="https://accounts.google.com",
)
AZURE = _Cloud(
    environment=Environment.AZURE,
    storage=_placeholder_buckets(StorageProvider.AZURE, noun="CONTAINER"),
    database_flavour=DatabaseFlavour.AZURE_POSTGRES,
    database_host="<AZURE_POSTGRES_HOST>",
    sslmode=SslMode.REQUIRE,
    identity=Identity(backend="<FLYTE_BACKEND_CLIENT_ID>", tasks="<FLYTE_TASKS_CLIENT_ID>"),
    ingress=_cert_manager_gateway(),
    logs=LogProvider.AZURE,
    idp=IdentityProvider.ENTRA_ID,
    issuer="<ENTRA_ID_ISSUER_URL>",
)
ONPREM = _Cloud(
    environment=Environment.ONPREM,
    storage=_placeholder_buckets(
        StorageProvider.S3_COMPATIBLE,
        endpoint="<S3_ENDPOINT_URL>",
        credentials=StorageCredentials.SECRET,
        access_key=SecretRef(name="flyte-storage", key="access-key-id"),
        secret_key=SecretRef(name="flyte-storage", key="secret-access-key"),
    ),
    database_flavour=DatabaseFlavour.EXTERNAL,
    database_host="<POSTGRES_HOST>",
    sslmode=SslMode.REQUIRE,
    ingress=Ingress(
        kind=IngressKind.GATEWAY_API, host="<FLYTE_HOST>", tls=Tls(mode=TlsMode.SECRET, secret_name="flyte-tls")
    ),
    idp=IdentityProvider.KEYCLOAK,
    issuer="<KEYCLOAK_REALM_URL>",
    starter_name="flyte",
)


def _starter(cloud: _Cloud, **changes: object) -> DeploymentSpec:
    """One cluster on flyte-binary, development profile: what upstream's *-starter.yaml files describe."""
    spec = DeploymentSpec(
        name=cloud.starter_name,
        model=DeploymentModel.SINGLE_CLUSTER,
        environment=cloud.environment,
        chart=ChartName.FLYTE_BINARY,
        storage=cloud.storage.model_copy(deep=True),
        database=cloud.database(),
        identity=cloud.identity.model_copy(deep=True),
        ingress=cloud.ingress.model_copy(deep=True),
        observability=cloud.observability(),
    )
    return _with(spec, **changes) if changes else spec


def _production(cloud: _Cloud) -> DeploymentSpec:
    """flyte-core with OIDC, two replicas of each service spread over nodes, and per-domain quotas."""
    return DeploymentSpec(
        model=DeploymentModel.SINGLE_CLUSTER,
        environment=cloud.environment,
        chart=ChartName.FLYTE_CORE,
        profile=Profile.PRODUCTION,
        storage=cloud.storage.model_copy(deep=True),
        database=cloud.database(),
        identity=cloud.identity.model_copy(deep=True),
        auth=_production_auth(cloud.idp, cloud.issuer),
        ingress=cloud.ingress.model_copy(deep=True),
        components=_ha_components(propeller_replicas=cloud.propeller_replicas),
        observability=cloud.observability(),
        projects=_quotas(),
    )


def _production_auth(idp: IdentityProvider, issuer: str) -> Auth:
    return Auth(mode=AuthMode.OIDC_INTERNAL, idp=idp, issuer=issuer)


def _ha_components(propeller_replicas: int = 1) -> Components:
    """Two replicas of every stateless service, spread across nodes; propeller scaled as asked."""
    return Components(
        admin=Component(replicas=2, spread_across_nodes=True),
        datacatalog=Component(replicas=2, spread_across_nodes=True),
        console=Component(replicas=2, spread_across_nodes=True),
        propeller=Propeller(replicas=propeller_replicas, spread_across_nodes=propeller_replicas > 1),
    )


def _quotas() -> Projects:
    return Projects(
        quotas={
            "development": Quota(cpu="4", memory="3000Mi"),
            "staging": Quota(cpu="2", memory="3000Mi"),
            "production": Quota(cpu="5", memory="4000Mi"),
        }
    )


# ---- local ----------------------------------------------------------------------------------------------------


def sandbox() -> DeploymentSpec:
    return DeploymentSpec()


def sandbox_core() -> DeploymentSpec:
    return DeploymentSpec(
        chart=ChartName.FLYTE_CORE,
        ingress=Ingress(controller=IngressController.CONTOUR, separate_grpc=False),
        # flyte-deps serves the Kubernetes dashboard on node port 30082
        observability=Observability(logs=Logs(kubernetes_url="http://localhost:30082/#/log/")),
        storage=Storage(
            provider=StorageProvider.S3_COMPATIBLE,
            metadata_bucket="my-s3-bucket",
            endpoint="http://minio.flyte.svc.cluster.local:9000",
            credentials=StorageCredentials.SECRET,
            access_key=SecretRef(name="minio", key="root-user", value="minio"),
            secret_key=SecretRef(name="minio", key="root-password", value="miniostorage"),
        ),
        database=Database(
            host="postgres.flyte.svc.cluster.local",
            user="postgres",
            admin_dbname="flyteadmin",
            datacatalog_dbname="datacatalog",
            password=SecretRef(name="postgres", key="password", value="postgres"),
        ),
    )


# ---- AWS ------------------------------------------------------------------------------------------------------


def eks_starter() -> DeploymentSpec:
    return _starter(AWS)


def eks_production() -> DeploymentSpec:
    return _with(
        eks_starter(),
        profile=Profile.PRODUCTION,
        auth=_production_auth(IdentityProvider.OKTA, "<OIDC_ISSUER_URL>"),
    )


def eks_core() -> DeploymentSpec:
    return _production(AWS)


def eks_core_aws_scheduler() -> DeploymentSpec:
    spec = eks_core()
    return _with(spec, components=_with_scheduler(spec.components, Scheduler(kind=SchedulerKind.AWS)))


def _with_scheduler(components: Components, scheduler: Scheduler) -> Components:
    return Components.model_validate({**components.model_dump(exclude={"scheduler"}), "scheduler": scheduler})


def eks_multicluster() -> DeploymentSpec:
    return _with(
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
    return _with(
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


# ---- GCP ------------------------------------------------------------------------------------------------------


def gke_starter() -> DeploymentSpec:
    return _starter(GCP)


def gke_production() -> DeploymentSpec:
    return _production(GCP)


def gke_multicluster() -> DeploymentSpec:
    return _with(
        gke_production(),
        model=DeploymentModel.MULTI_CLUSTER,
        clusters=Clusters(
            data_planes=[
                DataPlane(name="dataplane-1", endpoint="<DATAPLANE_1_K8S_API_URL>", label="default", weight=1.0),
                DataPlane(name="gpu-1", endpoint="<GPU_DATAPLANE_K8S_API_URL>", label="gpu", weight=1.0),
            ]
        ),
    )


# ---- Azure ----------------------------------------------------------------------------------------------------


def aks_starter() -> DeploymentSpec:
    return _starter(AZURE)


def aks_production() -> DeploymentSpec:
    return _production(AZURE)


def aks_multicluster() -> DeploymentSpec:
    return _with(
        aks_production(),
        model=DeploymentModel.MULTI_CLUSTER,
        clusters=Clusters(
            data_planes=[
                DataPlane(name="dataplane-1", endpoint="<DATAPLANE_1_K8S_API_URL>", label="default", weight=1.0),
            ]
        ),
    )


# ---- on-prem --------------------------------------------------------------------------------------------------


def onprem_starter() -> DeploymentSpec:
    # a first install on-prem: plain HTTP through Envoy Gateway, TLS left to the person
    return _starter(
        ONPREM,
        database=ONPREM.database(SslMode.PREFER),
        ingress=Ingress(kind=IngressKind.GATEWAY_API, host="<FLYTE_HOST>"),
    )


def onprem_production() -> DeploymentSpec:
    return _production(ONPREM)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset("sandbox", "Local sandbox: the flyte-sandbox chart with MinIO and PostgreSQL", sandbox),
        Preset(
            "sandbox-core",
            "Local sandbox on flyte-core with flyte-deps (MinIO, PostgreSQL, Contour)",
            sandbox_core,
            "flyte-core/values-sandbox.yaml",
        ),
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
        Preset(
            "gke-starter",
            "GCP single cluster on flyte-binary (GCS, Cloud SQL, Workload Identity)",
            gke_starter,
            "flyte-binary/gke-starter.yaml",
        ),
        Preset("gke-production", "GCP production on flyte-core", gke_production, "flyte-core/values-gcp.yaml"),
        Preset("gke-multicluster", "GCP control plane with a default and a GPU data plane", gke_multicluster),
        Preset(
            "aks-starter",
            "Azure single cluster on flyte-binary (Blob Storage, Azure PostgreSQL)",
            aks_starter,
        ),
        Preset("aks-production", "Azure production on flyte-core (workload identity, Entra ID)", aks_production),
        Preset("aks-multicluster", "Azure control plane with one data plane", aks_multicluster),
        Preset("onprem-starter", "Self-managed Kubernetes on flyte-binary (S3-compatible store)", onprem_starter),
        Preset("onprem-production", "Self-managed Kubernetes on flyte-core with Keycloak", onprem_production),
    ]
}


def preset_names() -> list[str]:
    return list(PRESETS)


def get_preset(name: str) -> DeploymentSpec:
    """A fresh spec for a named preset; an unknown name is a SpecError naming the choices."""
    try:
        return PRESETS[name].build()
    except KeyError:
        raise SpecError(
            [Problem("preset", f"unknown preset {name!r}", f"choose one of: {', '.join(PRESETS)}")]
        ) from None
