"""PostgreSQL for FlyteAdmin and DataCatalog."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator

from .base import SecretRef, SpecModel
from .validators import check_hostname

__all__ = ["DatabaseFlavour", "SslMode", "Database"]


class DatabaseFlavour(str, Enum):
    IN_CLUSTER = "in-cluster"
    RDS = "rds"
    CLOUD_SQL = "cloud-sql"
    AZURE_POSTGRES = "azure-postgres"
    EXTERNAL = "external"


class SslMode(str, Enum):
    DISABLE = "disable"
    ALLOW = "allow"
    PREFER = "prefer"
    REQUIRE = "require"
    VERIFY_CA = "verify-ca"
    VERIFY_FULL = "verify-full"


class Database(SpecModel):
    """Connection settings; the password always comes from a Secret (inline only in the sandbox)."""

    flavour: DatabaseFlavour = Field(default=DatabaseFlavour.IN_CLUSTER, description="Where PostgreSQL runs.")
    host: str = Field(default="postgres", description="Host name of the server, as the Flyte pods resolve it.")
    port: int = Field(default=5432, ge=1, le=65535, description="TCP port.")
    admin_dbname: str = Field(default="flyteadmin", description="Database of FlyteAdmin.")
    datacatalog_dbname: str = Field(default="datacatalog", description="Database of DataCatalog.")
    user: str = Field(default="postgres", description="User name.")
    sslmode: SslMode = Field(default=SslMode.DISABLE, description="libpq sslmode. Managed services want require.")
    password: SecretRef = Field(
        default_factory=lambda: SecretRef(name="db-pass", key="pass.txt"),
        description="Secret holding the password (mounted at /etc/db/pass.txt by flyte-core).",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return check_hostname(value, public=False)  # a short in-cluster service name is fine
