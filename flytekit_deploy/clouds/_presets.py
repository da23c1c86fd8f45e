"""What presets of every cloud share: the :class:`Preset` record, the per-cloud defaults a preset starts from
(:class:`CloudDefaults`) and the two shapes most presets take (a flyte-binary starter, a flyte-core production).

Each cloud module lists its own presets; :mod:`flytekit_deploy.presets` gathers them in registry order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..spec import (
    Auth,
    AuthMode,
    ChartName,
    Component,
    Components,
    Database,
    DatabaseFlavour,
    DeploymentModel,
    DeploymentSpec,
    Environment,
    Identity,
    IdentityProvider,
    Ingress,
    IngressKind,
    LogProvider,
    Logs,
    Observability,
    Profile,
    Projects,
    Propeller,
    Quota,
    SecretRef,
    SslMode,
    Storage,
    StorageProvider,
    Tls,
    TlsMode,
)

__all__ = [
    "Preset",
    "CloudDefaults",
    "with_changes",
    "placeholder_buckets",
    "cert_manager_gateway",
    "starter",
    "production",
    "production_auth",
    "ha_components",
    "quotas",
]


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str
    build: Callable[[], DeploymentSpec]
    upstream: str = ""
    """The upstream reference overlay this preset matches, if any."""


def with_changes(spec: DeploymentSpec, **changes: object) -> DeploymentSpec:
    """A copy of ``spec`` with some sections replaced, validated again (model_copy would skip the rules)."""
    data = spec.model_dump(exclude=set(changes))
    return DeploymentSpec.model_validate({**data, **changes})


@dataclass(frozen=True)
class CloudDefaults:
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


def placeholder_buckets(provider: StorageProvider, noun: str = "BUCKET", **extra: object) -> Storage:
    return Storage(
        provider=provider,
        metadata_bucket=f"<METADATA_{noun}_NAME>",
        raw_data_bucket=f"<RAW_DATA_{noun}_NAME>",
        **extra,
    )


def cert_manager_gateway() -> Ingress:
    """Gateway API with the environment's recommended controller (gRPC by design), TLS from cert-manager."""
    return Ingress(
        kind=IngressKind.GATEWAY_API,
        host="<FLYTE_HOST>",
        tls=Tls(mode=TlsMode.CERT_MANAGER, cluster_issuer="letsencrypt-production"),
    )


def starter(cloud: CloudDefaults, **changes: object) -> DeploymentSpec:
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
    return with_changes(spec, **changes) if changes else spec


def production(cloud: CloudDefaults) -> DeploymentSpec:
    """flyte-core with OIDC, two replicas of each service spread over nodes, and per-domain quotas."""
    return DeploymentSpec(
        model=DeploymentModel.SINGLE_CLUSTER,
        environment=cloud.environment,
        chart=ChartName.FLYTE_CORE,
        profile=Profile.PRODUCTION,
        storage=cloud.storage.model_copy(deep=True),
        database=cloud.database(),
        identity=cloud.identity.model_copy(deep=True),
        auth=production_auth(cloud.idp, cloud.issuer),
        ingress=cloud.ingress.model_copy(deep=True),
        components=ha_components(propeller_replicas=cloud.propeller_replicas),
        observability=cloud.observability(),
        projects=quotas(),
    )


def production_auth(idp: IdentityProvider, issuer: str) -> Auth:
    return Auth(mode=AuthMode.OIDC_INTERNAL, idp=idp, issuer=issuer)


def ha_components(propeller_replicas: int = 1) -> Components:
    """Two replicas of every stateless service, spread across nodes; propeller scaled as asked."""
    return Components(
        admin=Component(replicas=2, spread_across_nodes=True),
        datacatalog=Component(replicas=2, spread_across_nodes=True),
        console=Component(replicas=2, spread_across_nodes=True),
        propeller=Propeller(replicas=propeller_replicas, spread_across_nodes=propeller_replicas > 1),
    )


def quotas() -> Projects:
    return Projects(
        quotas={
            "development": Quota(cpu="4", memory="3000Mi"),
            "staging": Quota(cpu="2", memory="3000Mi"),
            "production": Quota(cpu="5", memory="4000Mi"),
        }
    )
