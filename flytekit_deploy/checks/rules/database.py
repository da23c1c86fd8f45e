"""Database rules: the first item of the troubleshooting table, "database connection failures".

FlyteAdmin and DataCatalog crash-loop at start when they cannot reach or log in to PostgreSQL, and every
other component waits on them; these rules catch the causes that are visible before installing.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...clouds import CLOUDS, Cloud, ManagedDatabase
from ...spec import DatabaseFlavour, Profile, SslMode, is_placeholder
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, finding

__all__ = ["RULES"]

CHAPTER = "external-dependencies"
_STRICT = (SslMode.REQUIRE, SslMode.VERIFY_CA, SslMode.VERIFY_FULL)


def _managed(flavour: DatabaseFlavour) -> tuple[Cloud, ManagedDatabase] | None:
    """The cloud whose managed PostgreSQL this flavour is, and its facts (None: in-cluster or external)."""
    for cloud in CLOUDS.values():
        if cloud.database is not None and cloud.database.flavour is flavour:
            return cloud, cloud.database
    return None


def host(ctx: RuleContext) -> Iterator[Finding]:
    """The host must be a name the pods resolve: filled in, without scheme or port."""
    db = ctx.spec.database
    if is_placeholder(db.host):
        yield finding(
            WARNING,
            "database.host",
            f"the database host is still the placeholder {db.host}: FlyteAdmin and DataCatalog cannot start",
            "set database.host to the server's DNS name or private IP (for RDS, the instance endpoint)",
            CHAPTER,
            "database.host-placeholder",
        )
    elif any(mark in db.host for mark in (":", "/", "@")):
        yield finding(
            ERROR,
            "database.host",
            f"database.host {db.host!r} is not a bare host name: the driver would look up that whole text",
            "write only the host name (no scheme, user or port) and put the port in database.port",
            CHAPTER,
            "database.host-format",
        )


def port(ctx: RuleContext) -> Iterator[Finding]:
    """Managed services listen on fixed ports; another port is a connection timeout at start."""
    db = ctx.spec.database
    managed = _managed(db.flavour)
    fixed = managed[1].fixed_ports if managed is not None else None
    if fixed and db.port not in fixed[0]:
        yield finding(
            WARNING,
            "database.port",
            f"database.port is {db.port}, but {fixed[1]}: the connection would time out",
            f"set database.port: {fixed[0][0]}",
            CHAPTER,
            "database.port",
        )


def sslmode(ctx: RuleContext) -> Iterator[Finding]:
    """Managed PostgreSQL wants TLS: RDS (PostgreSQL 15 and later) and Azure refuse plain connections."""
    db = ctx.spec.database
    managed = _managed(db.flavour)
    if managed is None or db.sslmode in _STRICT:
        return
    cloud, service = managed
    name = service.name
    if service.plaintext_note is not None:
        yield finding(
            INFO,
            "database.sslmode",
            f"sslmode is {db.sslmode.value}: {service.plaintext_note}",
            "set database.sslmode: require (works either way); keep the private IP so traffic stays in the VPC",
            cloud.chapter or CHAPTER,
            "database.sslmode",
        )
        return
    refused = db.sslmode is SslMode.DISABLE
    yield finding(
        ERROR if refused else WARNING,
        "database.sslmode",
        f"sslmode is {db.sslmode.value}, but {name} "
        + (
            "refuses connections without TLS (RDS: rds.force_ssl is on from PostgreSQL 15; Azure: "
            "require_secure_transport is on), so FlyteAdmin cannot connect"
            if refused
            else "should always be reached over TLS; this mode may fall back to an unencrypted connection"
        ),
        "set database.sslmode: require (or verify-full with the provider's CA bundle)",
        CHAPTER,
        "database.sslmode",
    )


def password(ctx: RuleContext) -> Iterator[Finding]:
    """Outside the sandbox the password comes from a Secret; a value (even a placeholder) would land in values."""
    spec = ctx.spec
    ref = spec.database.password
    if spec.is_sandbox or ref.value is None:
        return
    yield finding(
        WARNING,
        "database.password.value",
        f"database.password has a value ({ref.value}); filled in, the password would be written to a values file",
        f"remove database.password.value and create Secret {ref.name} (key {ref.key}) with kubectl; "
        "`flytekit-deploy values` lists the command",
        "security",
        "database.password-inline",
    )


def shared_database(ctx: RuleContext) -> Iterator[Finding]:
    """Sharing one database is what upstream's EKS and GCP overlays do; it works, but say so."""
    db = ctx.spec.database
    if db.admin_dbname == db.datacatalog_dbname:
        yield finding(
            INFO,
            "database.datacatalog_dbname",
            f"FlyteAdmin and DataCatalog share the database {db.admin_dbname!r}; their tables do not collide, "
            "but they are backed up and restored together",
            "use a separate database (e.g. datacatalog) if you want to restore or scale them apart",
            CHAPTER,
            "database.shared",
        )


def placement(ctx: RuleContext) -> Iterator[Finding]:
    """Managed flavours belong to their own cloud; an in-cluster database is not for production."""
    spec = ctx.spec
    db = spec.database
    found = _managed(db.flavour)
    managed = (found[1].name, found[0].environment) if found is not None else None
    if managed and managed[1] is not spec.environment:
        yield finding(
            WARNING,
            "database.flavour",
            f"{managed[0]} with the environment {spec.environment.value}: the database is in another cloud, "
            "reached over the internet (latency, egress cost, firewall rules)",
            "use the environment's own PostgreSQL, or set database.flavour: external and open the network path",
            CHAPTER,
            "database.flavour-environment",
        )
    if db.flavour is DatabaseFlavour.IN_CLUSTER and not spec.is_sandbox and spec.profile is Profile.PRODUCTION:
        yield finding(
            WARNING,
            "database.flavour",
            "a production deployment with an in-cluster PostgreSQL: no managed backups, failover or upgrades",
            "use a managed PostgreSQL (rds, cloud-sql, azure-postgres) or an operated external one",
            CHAPTER,
            "database.in-cluster-production",
        )


RULES: tuple[Rule, ...] = (host, port, sslmode, password, shared_database, placement)
