"""GCP prerequisites as a Terraform root module: GCS buckets, Cloud SQL for PostgreSQL with both databases and
TLS required, Google service accounts bound by Workload Identity to exactly the rendered ServiceAccounts, and
bucket-level grants on only the Flyte buckets."""

from __future__ import annotations

import shlex
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

__all__ = ["gcp_module"]

PROVIDER = ("hashicorp/google", "6.50.0")
_USES = {
    "google_storage_bucket": "flytepropeller, flyteadmin, datacatalog and task pods (metadata and raw data)",
    "google_storage_bucket_iam_member": "object access of each Google service account on the Flyte buckets only",
    "google_sql_database_instance": "flyteadmin and datacatalog (PostgreSQL, ssl_mode ENCRYPTED_ONLY)",
    "google_sql_database": "the flyteadmin and datacatalog databases",
    "google_sql_user": "the database user of both",
    "google_service_account": "the identities of the Flyte backend and of task pods",
    "google_service_account_iam_member": "Workload Identity (roles/iam.workloadIdentityUser per ServiceAccount); "
    "flyteadmin signs upload/download URLs (roles/iam.serviceAccountTokenCreator on itself)",
    "random_password": "the database password (kept in state; copy it into the database Secret)",
}


def _given(value: str) -> str | None:
    return None if is_placeholder(value) else value


def gcp_module(spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule:
    """The root module for ``spec``; ``accounts`` are the ServiceAccounts the render annotates with a GSA."""
    storage, gcp, db = spec.storage, spec.gcp, spec.database
    clusters = sorted({a.cluster for a in accounts})
    variables = [
        variable(
            "project_id",
            "GCP project of the buckets, the database and the service accounts",
            _given(gcp.project_id) if gcp else None,
        ),
        variable("region", "GCP region", _given(gcp.region) if gcp else None),
        variable(
            "cluster_projects",
            "Project of each cluster's Workload Identity pool when it is not project_id "
            "(keys: " + ", ".join(clusters) + ")",
            {},
            "map(string)",
        ),
        variable("metadata_bucket", "GCS bucket for Flyte metadata", _given(storage.metadata_bucket)),
        variable("network", "VPC self link the clusters use (Cloud SQL private IP)"),
    ]
    buckets = {"metadata": storage.metadata_bucket}
    if storage.data_bucket != storage.metadata_bucket:
        variables.append(variable("raw_data_bucket", "GCS bucket for task outputs", _given(storage.data_bucket)))
        buckets["raw_data"] = storage.data_bucket
    pools = {c: f'"${{lookup(var.cluster_projects, {hcl_string(c)}, var.project_id)}}.svc.id.goog"' for c in clusters}
    main: list[Block] = [Block("locals", (), {"workload_pool": {c: Expr(v) for c, v in pools.items()}})]
    for key in buckets:
        main.append(
            Block(
                "resource",
                ("google_storage_bucket", key),
                {
                    "name": var(f"{key}_bucket"),
                    "location": var("region"),
                    "project": var("project_id"),
                    "uniform_bucket_level_access": True,
                    "public_access_prevention": "enforced",
                    "force_destroy": False,
                },
                [Block("versioning", (), {"enabled": True})],
                skips=(("CKV_GCP_62", "access logs go to a log bucket the organisation chooses"),),
            )
        )
    bindings: list[Binding] = []
    grants: dict[str, list[str]] = {b: [] for b in buckets.values()}
    outputs: list[Block] = []
    fills: dict[str, str] = {}
    # inputs echoed back, so `fill` answers the spec fields that hold them
    outputs.append(output("project_id", "gcp.project_id", "var.project_id"))
    outputs.append(output("region", "gcp.region", "var.region"))
    for given, name in ((gcp.project_id, "project_id"), (gcp.region, "region")) if gcp else ():
        if is_placeholder(given):
            fills[given] = name
    for role in identity_roles(a.role for a in accounts):
        name = f"flyte_{slug(role)}"
        mine = [a for a in accounts if a.role == role]
        if not mine:
            continue
        address = f"google_service_account.{name}"
        main.append(
            Block(
                "resource",
                ("google_service_account", name),
                {
                    "project": var("project_id"),
                    "account_id": f"{spec.name}-{role}"[:30].rstrip("-"),
                    "display_name": f"Flyte {role}",
                },
            )
        )
        for account in mine:
            member = f"serviceAccount:${{local.workload_pool[{hcl_string(account.cluster)}]}}[{account.namespace}/{account.name}]"
            main.append(
                Block(
                    "resource",
                    (
                        "google_service_account_iam_member",
                        f"wi_{slug(account.cluster)}_{slug(account.namespace)}_{slug(account.name)}",
                    ),
                    {
                        "service_account_id": ref(f"{address}.name"),
                        "role": "roles/iam.workloadIdentityUser",
                        "member": Expr('"' + member + '"'),
                    },
                    comment=account.source,
                )
            )
            bindings.append(Binding(address, account.cluster, account.namespace, account.name))
        if role == "backend":
            main.append(
                Block(
                    "resource",
                    ("google_service_account_iam_member", f"{name}_signs"),
                    {
                        "service_account_id": ref(f"{address}.name"),
                        "role": "roles/iam.serviceAccountTokenCreator",
                        "member": Expr(f'"serviceAccount:${{{address}.email}}"'),
                    },
                    comment="flyteadmin signs upload/download URLs as itself",
                )
            )
        for key, bucket in buckets.items():
            main.append(
                Block(
                    "resource",
                    ("google_storage_bucket_iam_member", f"{name}_{key}"),
                    {
                        "bucket": ref(f"google_storage_bucket.{key}.name"),
                        "role": "roles/storage.objectAdmin",
                        "member": Expr(f'"serviceAccount:${{{address}.email}}"'),
                    },
                )
            )
            grants[bucket].append(address)
        outputs.append(output(f"identity_{slug(role)}", identity_path(role), f"{address}.email"))
        placeholder = identity_value(spec, role)
        if is_placeholder(placeholder):
            fills[placeholder] = f"identity_{slug(role)}"
    main += [
        Block(
            "resource",
            ("google_sql_database_instance", "flyte"),
            {
                "name": f"{spec.name}-postgres",
                "project": var("project_id"),
                "region": var("region"),
                "database_version": "POSTGRES_16",
                "deletion_protection": True,
            },
            [
                Block(
                    "settings",
                    (),
                    {"tier": "db-custom-2-7680"},
                    [
                        Block(
                            "ip_configuration",
                            (),
                            {"ipv4_enabled": False, "private_network": var("network"), "ssl_mode": "ENCRYPTED_ONLY"},
                        ),
                        Block("backup_configuration", (), {"enabled": True, "point_in_time_recovery_enabled": True}),
                        Block("database_flags", (), {"name": "log_checkpoints", "value": "on"}),
                        Block("database_flags", (), {"name": "log_connections", "value": "on"}),
                        Block("database_flags", (), {"name": "log_disconnections", "value": "on"}),
                        Block("database_flags", (), {"name": "log_lock_waits", "value": "on"}),
                        Block("database_flags", (), {"name": "log_min_messages", "value": "error"}),
                        Block("database_flags", (), {"name": "log_temp_files", "value": "0"}),
                        Block("database_flags", (), {"name": "log_min_duration_statement", "value": "-1"}),
                        Block("database_flags", (), {"name": "log_min_error_statement", "value": "error"}),
                        Block("database_flags", (), {"name": "log_hostname", "value": "on"}),
                        Block("database_flags", (), {"name": "log_statement", "value": "ddl"}),
                        Block("database_flags", (), {"name": "cloudsql.enable_pgaudit", "value": "on"}),
                    ],
                )
            ],
            skips=(
                ("CKV_GCP_79", "POSTGRES_16 is the newest version Flyte v1.16 is tested with here"),
                ("CKV2_GCP_13", "log_duration is a tuning choice; statement logging is off on purpose"),
                (
                    "CKV_GCP_6",
                    "ssl_mode ENCRYPTED_ONLY refuses plain connections; client certificates are not something "
                    "flyteadmin's and datacatalog's database settings can present",
                ),
            ),
        ),
        Block(
            "resource",
            ("google_sql_database", "flyteadmin"),
            {
                "name": db.admin_dbname,
                "instance": ref("google_sql_database_instance.flyte.name"),
                "project": var("project_id"),
            },
        ),
        Block(
            "resource",
            ("google_sql_database", "datacatalog"),
            {
                "name": db.datacatalog_dbname,
                "instance": ref("google_sql_database_instance.flyte.name"),
                "project": var("project_id"),
            },
        ),
        Block("resource", ("random_password", "database"), {"length": 32, "special": False}),
        Block(
            "resource",
            ("google_sql_user", "flyte"),
            {
                "name": db.user,
                "instance": ref("google_sql_database_instance.flyte.name"),
                "project": var("project_id"),
                "password": ref("random_password.database.result"),
            },
        ),
    ]
    outputs.append(output("database_host", "database.host", "google_sql_database_instance.flyte.private_ip_address"))
    if is_placeholder(db.host):
        fills[db.host] = "database_host"
    for key, bucket in buckets.items():
        path = "storage.metadata_bucket" if key == "metadata" else "storage.raw_data_bucket"
        outputs.append(output(f"bucket_{key}", path, f"google_storage_bucket.{key}.name"))
        if is_placeholder(bucket):
            fills[bucket] = f"bucket_{key}"
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
                        "google": {"source": PROVIDER[0], "version": PROVIDER[1]},
                        "random": {"source": "hashicorp/random", "version": "3.7.2"},
                    },
                )
            ],
        ),
        Block("provider", ("google",), {"project": var("project_id"), "region": var("region")}),
    ]
    cli = _cli(spec, list(buckets.values()), accounts)
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
            "The Workload Identity pool is per project: clusters of the same project share it, so a ServiceAccount "
            "with the same namespace/name on two such clusters gets the same member (two resources, one IAM entry).",
            "Task log links (Cloud Logging) need no permission from Flyte's pods.",
        ],
    )


def _cli(spec: DeploymentSpec, buckets: list[str], accounts: Sequence[ServiceAccountRef]) -> list[str]:
    """The same prerequisites with gcloud (``$PROJECT``, ``$REGION`` set by the reader; spec values are checked
    names and quoted)."""
    db = spec.database
    cli = []
    for bucket in buckets:
        cli += [
            f'gcloud storage buckets create gs://{bucket} --location="$REGION" --uniform-bucket-level-access '
            "--public-access-prevention",
            f"gcloud storage buckets update gs://{bucket} --versioning",
        ]
    for role in identity_roles(a.role for a in accounts):
        if not any(a.role == role for a in accounts):
            continue
        email = shlex.quote(identity_value(spec, role) or f"{spec.name}-{role}@$PROJECT.iam.gserviceaccount.com")
        cli.append(f'gcloud iam service-accounts create {spec.name}-{role} --project "$PROJECT"')
        cli += [
            f"gcloud storage buckets add-iam-policy-binding gs://{b} --member serviceAccount:{email} "
            "--role roles/storage.objectAdmin"
            for b in buckets
        ]
        members = sorted({(a.namespace, a.name) for a in accounts if a.role == role})
        cli += [
            f"gcloud iam service-accounts add-iam-policy-binding {email} --role roles/iam.workloadIdentityUser "
            f'--member "serviceAccount:$PROJECT.svc.id.goog[{ns}/{name}]"'
            for ns, name in members
        ]
    cli += [
        f'gcloud sql instances create {spec.name}-postgres --database-version POSTGRES_16 --region "$REGION" '
        '--ssl-mode ENCRYPTED_ONLY --no-assign-ip --network "$NETWORK"',
        f"gcloud sql databases create {db.admin_dbname} --instance {spec.name}-postgres",
        f"gcloud sql databases create {db.datacatalog_dbname} --instance {spec.name}-postgres",
    ]
    return cli
