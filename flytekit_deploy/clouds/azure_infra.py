"""Azure prerequisites as a Terraform root module: a storage account with the Flyte containers, Azure Database for
PostgreSQL Flexible Server with both databases and TLS required, user-assigned identities with one federated
credential per rendered ServiceAccount (issuer of that ServiceAccount's cluster), and container-scoped roles."""

from __future__ import annotations

from collections.abc import Sequence

from ..spec import DeploymentSpec, is_placeholder
from .hcl import (
    Binding,
    Block,
    Expr,
    InfraModule,
    ServiceAccountRef,
    hcl_string,
    identity_path,
    identity_roles,
    identity_value,
    output,
    ref,
    slug,
    var,
    variable,
)

__all__ = ["azure_module"]

PROVIDER = ("hashicorp/azurerm", "4.55.0")
_USES = {
    "azurerm_storage_account": "the account holding Flyte's containers (stow azure)",
    "azurerm_storage_container": "flytepropeller, flyteadmin, datacatalog and task pods (metadata and raw data)",
    "azurerm_postgresql_flexible_server": "flyteadmin and datacatalog (PostgreSQL, TLS required)",
    "azurerm_postgresql_flexible_server_configuration": "require_secure_transport = on",
    "azurerm_postgresql_flexible_server_database": "the flyteadmin and datacatalog databases",
    "azurerm_user_assigned_identity": "the identities of the Flyte backend and of task pods",
    "azurerm_federated_identity_credential": "one per ServiceAccount subject, issuer of its cluster",
    "azurerm_role_assignment": "Storage Blob Data Contributor on the Flyte containers only",
    "random_password": "the database administrator password",
}


def _given(value: str) -> str | None:
    return None if is_placeholder(value) else value


def azure_module(spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule:
    """The root module for ``spec``; ``accounts`` are the ServiceAccounts the render annotates with a client id."""
    storage, az, db = spec.storage, spec.azure, spec.database
    clusters = sorted({a.cluster for a in accounts})
    variables = [
        variable("resource_group", "resource group of everything here", _given(az.resource_group) if az else None),
        variable("location", "Azure region", _given(az.region) if az else None),
        variable("storage_account", "storage account name", _given(az.storage_account) if az else None),
        variable(
            "oidc_issuer_urls",
            "OIDC issuer URL of each AKS cluster (az aks show --query oidcIssuerProfile"
            ".issuerUrl; keys: " + ", ".join(clusters) + ")",
            kind="map(string)",
        ),
        variable("metadata_container", "container for Flyte metadata", _given(storage.metadata_bucket)),
        variable("postgres_subnet_id", "delegated subnet of the Flexible Server"),
        variable("postgres_private_dns_zone_id", "private DNS zone of the Flexible Server"),
    ]
    containers = {"metadata": storage.metadata_bucket}
    if storage.data_bucket != storage.metadata_bucket:
        variables.append(variable("raw_data_container", "container for task outputs", _given(storage.data_bucket)))
        containers["raw_data"] = storage.data_bucket
    main: list[Block] = [
        Block(
            "resource",
            ("azurerm_storage_account", "flyte"),
            {
                "name": var("storage_account"),
                "resource_group_name": var("resource_group"),
                "location": var("location"),
                "account_tier": "Standard",
                "account_replication_type": "ZRS",
                "min_tls_version": "TLS1_2",
                "allow_nested_items_to_be_public": False,
                "shared_access_key_enabled": False,
                "public_network_access_enabled": True,
            },
            [
                Block(
                    "blob_properties",
                    (),
                    {"versioning_enabled": True},
                    [Block("delete_retention_policy", (), {"days": 7})],
                )
            ],
            skips=(
                ("CKV_AZURE_33", "queue logging: Flyte uses no queues"),
                (
                    "CKV_AZURE_59",
                    "public network access: the clusters reach the account over its public endpoint "
                    "unless a private endpoint is added",
                ),
                ("CKV_AZURE_206", "ZRS is enough; geo replication is a disaster-recovery choice"),
                ("CKV2_AZURE_1", "customer-managed keys are the organisation's choice"),
                ("CKV2_AZURE_33", "private endpoint depends on the organisation's network"),
            ),
        ),
    ]
    for key in containers:
        main.append(
            Block(
                "resource",
                ("azurerm_storage_container", key),
                {
                    "name": var(f"{key}_container"),
                    "storage_account_id": ref("azurerm_storage_account.flyte.id"),
                    "container_access_type": "private",
                },
                skips=(
                    (
                        "CKV2_AZURE_21",
                        "blob read logging goes through the account's diagnostic settings to the organisation's "
                        "Log Analytics workspace",
                    ),
                ),
            )
        )
    bindings: list[Binding] = []
    grants: dict[str, list[str]] = {c: [] for c in containers.values()}
    outputs: list[Block] = []
    fills: dict[str, str] = {}
    # inputs echoed back, so `fill` answers the spec fields that hold them
    echoed = (
        ("resource_group", "azure.resource_group"),
        ("location", "azure.region"),
        ("storage_account", "azure.storage_account"),
    )
    for name, path in echoed:
        outputs.append(output(name, path, f"var.{name}"))
    for given, name in (
        ((az.resource_group, "resource_group"), (az.region, "location"), (az.storage_account, "storage_account"))
        if az
        else ()
    ):
        if is_placeholder(given):
            fills[given] = name
    for role in identity_roles(a.role for a in accounts):
        name = f"flyte_{slug(role)}"
        mine = [a for a in accounts if a.role == role]
        if not mine:
            continue
        address = f"azurerm_user_assigned_identity.{name}"
        main.append(
            Block(
                "resource",
                ("azurerm_user_assigned_identity", name),
                {
                    "name": f"{spec.name}-{role}",
                    "resource_group_name": var("resource_group"),
                    "location": var("location"),
                },
            )
        )
        for account in mine:
            main.append(
                Block(
                    "resource",
                    (
                        "azurerm_federated_identity_credential",
                        f"{name}_{slug(account.cluster)}_{slug(account.namespace)}_{slug(account.name)}",
                    ),
                    {
                        "name": f"{slug(account.cluster)}-{account.namespace}-{account.name}".replace("_", "-")[:120],
                        "resource_group_name": var("resource_group"),
                        "parent_id": ref(f"{address}.id"),
                        "audience": ["api://AzureADTokenExchange"],
                        "issuer": Expr(f"var.oidc_issuer_urls[{hcl_string(account.cluster)}]"),
                        "subject": account.subject,
                    },
                    comment=account.source,
                )
            )
            bindings.append(Binding(address, account.cluster, account.namespace, account.name))
        for key, container in containers.items():
            main.append(
                Block(
                    "resource",
                    ("azurerm_role_assignment", f"{name}_{key}"),
                    {
                        "scope": ref(f"azurerm_storage_container.{key}.resource_manager_id"),
                        "role_definition_name": "Storage Blob Data Contributor",
                        "principal_id": ref(f"{address}.principal_id"),
                    },
                )
            )
            grants[container].append(address)
        outputs.append(output(f"identity_{slug(role)}", identity_path(role), f"{address}.client_id"))
        placeholder = identity_value(spec, role)
        if is_placeholder(placeholder):
            fills[placeholder] = f"identity_{slug(role)}"
    main += [
        Block("resource", ("random_password", "database"), {"length": 32, "special": False}),
        Block(
            "resource",
            ("azurerm_postgresql_flexible_server", "flyte"),
            {
                "name": f"{spec.name}-postgres",
                "resource_group_name": var("resource_group"),
                "location": var("location"),
                "version": "16",
                "sku_name": "GP_Standard_D2ds_v5",
                "storage_mb": 32768,
                "administrator_login": db.user,
                "administrator_password": ref("random_password.database.result"),
                "delegated_subnet_id": var("postgres_subnet_id"),
                "private_dns_zone_id": var("postgres_private_dns_zone_id"),
                "public_network_access_enabled": False,
                "backup_retention_days": 7,
                "geo_redundant_backup_enabled": True,
                "zone": "1",
            },
            skips=(
                ("CKV_AZURE_136", "geo-redundant backups are on; the check wants a paired region too"),
                (
                    "CKV2_AZURE_57",
                    "VNet integration (delegated subnet, no public access) is the private path; a private endpoint "
                    "is the alternative, not an addition",
                ),
            ),
        ),
        Block(
            "resource",
            ("azurerm_postgresql_flexible_server_configuration", "tls"),
            {
                "name": "require_secure_transport",
                "server_id": ref("azurerm_postgresql_flexible_server.flyte.id"),
                "value": "on",
            },
        ),
        Block(
            "resource",
            ("azurerm_postgresql_flexible_server_database", "flyteadmin"),
            {"name": db.admin_dbname, "server_id": ref("azurerm_postgresql_flexible_server.flyte.id")},
        ),
        Block(
            "resource",
            ("azurerm_postgresql_flexible_server_database", "datacatalog"),
            {"name": db.datacatalog_dbname, "server_id": ref("azurerm_postgresql_flexible_server.flyte.id")},
        ),
    ]
    outputs.append(output("database_host", "database.host", "azurerm_postgresql_flexible_server.flyte.fqdn"))
    if is_placeholder(db.host):
        fills[db.host] = "database_host"
    for key, container in containers.items():
        path = "storage.metadata_bucket" if key == "metadata" else "storage.raw_data_bucket"
        outputs.append(output(f"bucket_{key}", path, f"azurerm_storage_container.{key}.name"))
        if is_placeholder(container):
            fills[container] = f"bucket_{key}"
    versions = [
        Block(
            "terraform",
            (),
            {"required_version": ">= 1.6"},
            [
                Block(
                    "required_providers",
                    (),
                    {
                        "azurerm": {"source": PROVIDER[0], "version": PROVIDER[1]},
                        "random": {"source": "hashicorp/random", "version": "3.7.2"},
                    },
                )
            ],
        ),
        Block("provider", ("azurerm",), {"storage_use_azuread": True}, [Block("features", ())]),
    ]
    cli = [
        f'az storage container create --auth-mode login --account-name "$STORAGE_ACCOUNT" --name {c}'
        for c in containers.values()
    ]
    cli += [
        f'az identity federated-credential create --identity-name {spec.name}-{a.role} -g "$RG" '
        f'--name {a.cluster}-{a.namespace}-{a.name} --issuer "$ISSUER_{slug(a.cluster).upper()}" '
        f"--subject {a.subject} --audiences api://AzureADTokenExchange"
        for a in accounts
    ]
    cli += [
        f'az postgres flexible-server db create -g "$RG" -s {spec.name}-postgres -d {d}'
        for d in (db.admin_dbname, db.datacatalog_dbname)
    ]
    return InfraModule(
        main=main,
        variables=variables,
        outputs=outputs,
        versions=versions,
        bindings=bindings,
        grants=grants,
        fills=fills,
        cli_steps=cli,
        resource_uses=dict(_USES),
        notes=[
            "Pods must carry the label azure.workload.identity/use=true (the emitters set it).",
            "Task log links (Azure Monitor) need no permission from Flyte's pods.",
        ],
    )
