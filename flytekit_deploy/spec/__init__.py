"""The DeploymentSpec: one typed model of a Flyte deployment, split by concern."""

from .auth import Auth, AuthMode, IdentityProvider
from .base import Resources, SecretRef, SpecModel
from .clusters import Clusters, Connector, ConnectorKind, DataPlane
from .components import Component, Components, Propeller, Scheduler, SchedulerKind
from .database import Database, DatabaseFlavour, SslMode
from .identity import Identity, IdentityMode
from .ingress import GatewayApi, GatewayController, GatewayRef, Ingress, IngressController, IngressKind, Tls, TlsMode
from .loading import dump_spec, load_spec, parse_spec, spec_from_dict, spec_json_schema
from .model import DEFAULT_IDENTITY, MAIN_CHARTS, DeploymentSpec, recommend_chart
from .observability import LogLink, LogProvider, Logs, Observability, ServiceMonitor
from .platform import (
    AwsSettings,
    AzureSettings,
    ChartName,
    DeploymentModel,
    Environment,
    GcpSettings,
    Hardening,
    LocalRuntime,
    LocalSettings,
    OnPremSettings,
    Profile,
)
from .projects import Project, Projects, Quota
from .quantities import parse_quantity
from .storage import Storage, StorageCredentials, StorageProvider
from .validators import is_placeholder

__all__ = [
    "Auth",
    "AuthMode",
    "AwsSettings",
    "AzureSettings",
    "ChartName",
    "Clusters",
    "Component",
    "Components",
    "Connector",
    "ConnectorKind",
    "DEFAULT_IDENTITY",
    "DataPlane",
    "Database",
    "DatabaseFlavour",
    "DeploymentModel",
    "DeploymentSpec",
    "Environment",
    "GcpSettings",
    "Identity",
    "IdentityMode",
    "IdentityProvider",
    "GatewayApi",
    "GatewayController",
    "GatewayRef",
    "Ingress",
    "IngressKind",
    "IngressController",
    "LocalRuntime",
    "LocalSettings",
    "LogLink",
    "LogProvider",
    "Logs",
    "MAIN_CHARTS",
    "Observability",
    "OnPremSettings",
    "Hardening",
    "Profile",
    "Project",
    "Projects",
    "Propeller",
    "Quota",
    "Resources",
    "Scheduler",
    "SchedulerKind",
    "SecretRef",
    "ServiceMonitor",
    "SpecModel",
    "SslMode",
    "Storage",
    "StorageCredentials",
    "StorageProvider",
    "Tls",
    "TlsMode",
    "dump_spec",
    "is_placeholder",
    "load_spec",
    "parse_quantity",
    "parse_spec",
    "recommend_chart",
    "spec_from_dict",
    "spec_json_schema",
]
