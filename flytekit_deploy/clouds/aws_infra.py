"""AWS prerequisites as a Terraform root module: S3 buckets, RDS PostgreSQL, IRSA roles trusted by exactly the
rendered ServiceAccounts (one trust statement per cluster's OIDC provider), least-privilege S3 policies, and the
EventBridge/SQS scheduler's permissions when the spec uses it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..spec import ConnectorKind, DeploymentSpec, SchedulerKind, is_placeholder
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

__all__ = ["aws_module"]

PROVIDER = ("hashicorp/aws", "6.25.0")
_USES = {
    "aws_s3_bucket": "flytepropeller, flyteadmin, datacatalog and task pods (metadata and raw data)",
    "aws_s3_bucket_versioning": "recovery of Flyte metadata overwritten by mistake",
    "aws_s3_bucket_server_side_encryption_configuration": "encryption at rest of inputs/outputs",
    "aws_s3_bucket_public_access_block": "keeps task data private",
    "aws_db_instance": "flyteadmin and datacatalog (PostgreSQL)",
    "aws_db_parameter_group": "rds.force_ssl: TLS required for flyteadmin/datacatalog connections",
    "aws_iam_role": "IRSA: flyteadmin/datacatalog/flytepropeller (backend) and task pods (tasks)",
    "aws_iam_policy": "S3 access on the Flyte buckets only (and the scheduler's SQS/EventBridge)",
    "aws_iam_role_policy_attachment": "attaches the policies to the IRSA roles",
    "aws_sqs_queue": "flyteadmin's AWS scheduler (EventBridge -> SQS)",
    "aws_iam_role_policy": "the scheduler role's sqs:SendMessage on the queue (EventBridge -> SQS)",
    "data.aws_eks_cluster": "each cluster's OIDC issuer (IRSA trust)",
    "data.aws_iam_openid_connect_provider": "each cluster's IAM OIDC provider (IRSA trust)",
    "data.aws_iam_policy_document": "IRSA trust and S3 policies",
    "data.aws_caller_identity": "the account id (aws.account_id: flyteadmin's scheduler target and rule ARNs)",
}


def _bucket_blocks(key: str, name_var: str) -> list[Block]:
    bucket = ref(f"aws_s3_bucket.{key}.id")
    return [
        Block(
            "resource",
            ("aws_s3_bucket", key),
            {"bucket": var(name_var)},
            skips=(
                ("CKV_AWS_18", "access logging needs a separate log bucket the organisation chooses"),
                ("CKV_AWS_144", "cross-region replication is a disaster-recovery choice, not a Flyte need"),
                ("CKV2_AWS_62", "Flyte does not consume S3 event notifications"),
                ("CKV2_AWS_61", "object lifetime is the organisation's retention policy"),
            ),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_versioning", key),
            {"bucket": bucket},
            [Block("versioning_configuration", (), {"status": "Enabled"})],
        ),
        Block(
            "resource",
            ("aws_s3_bucket_server_side_encryption_configuration", key),
            {"bucket": bucket},
            [
                Block(
                    "rule", (), {}, [Block("apply_server_side_encryption_by_default", (), {"sse_algorithm": "aws:kms"})]
                )
            ],
            skips=(("CKV2_AWS_67", "the AWS managed key is enough unless the organisation rotates its own CMK"),),
        ),
        Block(
            "resource",
            ("aws_s3_bucket_public_access_block", key),
            {
                "bucket": bucket,
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
        ),
    ]


def _given(value: str) -> str | None:
    return None if is_placeholder(value) else value


def aws_module(spec: DeploymentSpec, accounts: Sequence[ServiceAccountRef]) -> InfraModule:
    """The root module for ``spec``; ``accounts`` are the ServiceAccounts the render annotates with a role."""
    storage, aws = spec.storage, spec.aws
    clusters = sorted({a.cluster for a in accounts})
    variables = [
        variable("region", "AWS region of the buckets and the database", _given(aws.region) if aws else None),
        variable(
            "eks_cluster_names",
            "EKS cluster name of each Flyte cluster (keys: " + ", ".join(clusters) + "): its OIDC issuer is the "
            "trust domain of the IRSA roles",
            kind="map(string)",
        ),
        variable("metadata_bucket", "S3 bucket for Flyte metadata", _given(storage.metadata_bucket)),
        variable("db_subnet_group_name", "DB subnet group in the clusters' VPC"),
        variable(
            "db_security_group_ids",
            "security groups letting the clusters reach PostgreSQL on 5432",
            kind="list(string)",
        ),
        variable("db_instance_class", "RDS instance class", "db.t4g.medium"),
    ]
    buckets = {"metadata": storage.metadata_bucket}
    main: list[Block] = []
    main += _bucket_blocks("metadata", "metadata_bucket")
    if storage.data_bucket != storage.metadata_bucket:
        variables.append(variable("raw_data_bucket", "S3 bucket for task outputs", _given(storage.data_bucket)))
        main += _bucket_blocks("raw_data", "raw_data_bucket")
        buckets["raw_data"] = storage.data_bucket
    for cluster in clusters:
        key = hcl_string(cluster)
        main.append(Block("data", ("aws_eks_cluster", slug(cluster)), {"name": Expr(f"var.eks_cluster_names[{key}]")}))
        main.append(
            Block(
                "data",
                ("aws_iam_openid_connect_provider", slug(cluster)),
                {"url": ref(f"data.aws_eks_cluster.{slug(cluster)}.identity[0].oidc[0].issuer")},
            )
        )
    bindings: list[Binding] = []
    fills: dict[str, str] = {}
    grants: dict[str, list[str]] = {name: [] for name in buckets.values()}
    outputs: list[Block] = []
    # inputs echoed back, so `fill` answers the spec fields that hold them
    outputs.append(output("region", "aws.region, storage.region", "var.region"))
    if aws is not None and is_placeholder(aws.region):
        fills[aws.region] = "region"
    bucket_arns = [ref(f"aws_s3_bucket.{k}.arn") for k in buckets]
    object_arns = [Expr(f'"${{aws_s3_bucket.{k}.arn}}/*"') for k in buckets]
    for role in identity_roles(a.role for a in accounts):
        name = f"flyte_{slug(role)}"
        mine = [a for a in accounts if a.role == role]
        if not mine:
            continue
        statements = []
        for cluster in clusters:
            subjects = sorted({a.subject for a in mine if a.cluster == cluster})
            if not subjects:
                continue
            host = f'replace(data.aws_eks_cluster.{slug(cluster)}.identity[0].oidc[0].issuer, "https://", "")'
            statements.append(
                Block(
                    "statement",
                    (),
                    {
                        "sid": slug(cluster).replace("_", ""),
                        "actions": ["sts:AssumeRoleWithWebIdentity"],
                    },
                    [
                        Block(
                            "principals",
                            (),
                            {
                                "type": "Federated",
                                "identifiers": [ref(f"data.aws_iam_openid_connect_provider.{slug(cluster)}.arn")],
                            },
                        ),
                        Block(
                            "condition",
                            (),
                            {"test": "StringEquals", "variable": Expr(f'"${{{host}}}:sub"'), "values": subjects},
                        ),
                        Block(
                            "condition",
                            (),
                            {
                                "test": "StringEquals",
                                "variable": Expr(f'"${{{host}}}:aud"'),
                                "values": ["sts.amazonaws.com"],
                            },
                        ),
                    ],
                    comment=f"cluster {cluster}: "
                    + "; ".join(sorted({a.source for a in mine if a.cluster == cluster})),
                )
            )
            bindings += [
                Binding(f"aws_iam_role.{name}", cluster, a.namespace, a.name) for a in mine if a.cluster == cluster
            ]
        main.append(Block("data", ("aws_iam_policy_document", f"{name}_trust"), blocks=statements))
        main.append(
            Block(
                "resource",
                ("aws_iam_role", name),
                {
                    "name": f"{spec.name}-{role}"[:64],
                    "assume_role_policy": ref(f"data.aws_iam_policy_document.{name}_trust.json"),
                },
                comment=f"IRSA role of the Flyte {role} ServiceAccounts",
            )
        )
        s3 = [
            Block(
                "statement",
                (),
                {"sid": "ListBuckets", "actions": ["s3:ListBucket", "s3:GetBucketLocation"], "resources": bucket_arns},
            ),
            Block(
                "statement",
                (),
                {
                    "sid": "ReadWriteObjects",
                    "actions": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "resources": object_arns,
                },
            ),
        ]
        if (
            role == "backend"
            and spec.components.scheduler.enabled
            and spec.components.scheduler.kind is SchedulerKind.AWS
        ):
            s3 += [
                Block(
                    "statement",
                    (),
                    {
                        "sid": "SchedulerQueue",
                        "actions": [
                            "sqs:ReceiveMessage",
                            "sqs:DeleteMessage",
                            "sqs:GetQueueAttributes",
                            "sqs:GetQueueUrl",
                        ],
                        "resources": [ref("aws_sqs_queue.scheduler.arn")],
                    },
                ),
                Block(
                    "statement",
                    (),
                    {
                        "sid": "SchedulerRules",
                        "actions": [
                            "events:PutRule",
                            "events:PutTargets",
                            "events:DeleteRule",
                            "events:RemoveTargets",
                            "events:DescribeRule",
                        ],
                        "resources": [
                            Expr('"arn:aws:events:${var.region}:${data.aws_caller_identity.current.account_id}:rule/*"')
                        ],
                    },
                ),
                Block(
                    "statement",
                    (),
                    {
                        "sid": "PassSchedulerRole",
                        "actions": ["iam:PassRole"],
                        "resources": [ref("aws_iam_role.scheduler.arn")],
                    },
                ),
            ]
        skips: tuple[tuple[str, str], ...] = ()
        if role == "backend" and any(c.kind is ConnectorKind.AWS_BATCH for c in spec.connectors):
            s3 += _batch_statements()
            skips = (("CKV_AWS_356", "batch:DescribeJobs and batch:ListJobs take no resource-level permissions"),)
        main.append(Block("data", ("aws_iam_policy_document", f"{name}_access"), blocks=s3, skips=skips))
        main.append(
            Block(
                "resource",
                ("aws_iam_policy", name),
                {"name": f"{name}-access", "policy": ref(f"data.aws_iam_policy_document.{name}_access.json")},
            )
        )
        main.append(
            Block(
                "resource",
                ("aws_iam_role_policy_attachment", name),
                {"role": ref(f"aws_iam_role.{name}.name"), "policy_arn": ref(f"aws_iam_policy.{name}.arn")},
            )
        )
        for bucket in grants:
            grants[bucket].append(f"aws_iam_role.{name}")
        placeholder = identity_value(spec, role)
        outputs.append(output(f"identity_{slug(role)}", identity_path(role), f"aws_iam_role.{name}.arn"))
        if is_placeholder(placeholder):
            fills[placeholder] = f"identity_{slug(role)}"
    main.append(Block("data", ("aws_caller_identity", "current")))
    outputs.append(output("account_id", "aws.account_id", "data.aws_caller_identity.current.account_id"))
    if aws is not None and is_placeholder(aws.account_id):
        fills[aws.account_id] = "account_id"
    scheduler = spec.components.scheduler
    if scheduler.enabled and scheduler.kind is SchedulerKind.AWS:
        main += _scheduler(scheduler.aws_queue)
        outputs.append(
            output("scheduler_role", "components.scheduler.aws_scheduler_role_arn", "aws_iam_role.scheduler.arn")
        )
        if is_placeholder(scheduler.aws_scheduler_role_arn):
            fills[scheduler.aws_scheduler_role_arn] = "scheduler_role"
    main += _database(spec)
    outputs.append(
        Block(
            "output",
            ("database_host",),
            {"description": "database.host", "value": ref("aws_db_instance.flyte.address")},
        )
    )
    if is_placeholder(spec.database.host):
        fills[spec.database.host] = "database_host"
    for key, bucket in buckets.items():
        path = "storage.metadata_bucket" if key == "metadata" else "storage.raw_data_bucket"
        outputs.append(
            Block("output", (f"bucket_{key}",), {"description": path, "value": ref(f"aws_s3_bucket.{key}.bucket")})
        )
        if is_placeholder(bucket):
            fills[bucket] = f"bucket_{key}"
    versions = [
        Block(
            "terraform",
            (),
            {"required_version": ">= 1.6"},
            [Block("required_providers", (), {"aws": {"source": PROVIDER[0], "version": PROVIDER[1]}})],
        ),
        Block("provider", ("aws",), {"region": var("region")}),
    ]
    return InfraModule(
        main=main,
        variables=variables,
        outputs=outputs,
        versions=versions,
        bindings=bindings,
        grants=grants,
        fills=fills,
        notes=[
            f"RDS creates the {spec.database.admin_dbname} database; create {spec.database.datacatalog_dbname} once "
            f'the instance is up: psql "host=<database_host> user={spec.database.user} sslmode=require" '
            f"-c 'CREATE DATABASE {spec.database.datacatalog_dbname}' "
            "(the AWS provider has no resource for databases inside an instance).",
            "The master password is kept in Secrets Manager by RDS (manage_master_user_password); copy it into "
            "the database Secret the install guide names.",
            "Task log links (CloudWatch) need Fluent Bit / Container Insights on the cluster; the links themselves "
            "need no permission from Flyte's pods.",
        ]
        + (
            [
                "AWS Batch: the backend role may submit, follow and stop jobs; the job role a job definition names "
                "is passed by AWS Batch, not by Flyte."
            ]
            if any(c.kind is ConnectorKind.AWS_BATCH for c in spec.connectors)
            else []
        ),
        cli_steps=_cli(spec, buckets, accounts),
        resource_uses=dict(_USES),
    )


def _batch_statements() -> list[Block]:
    """What the AWS Batch plugin (running as the backend identity) needs: submit, follow and stop jobs."""
    account = "${data.aws_caller_identity.current.account_id}"
    return [
        Block(
            "statement",
            (),
            {
                "sid": "BatchSubmit",
                "actions": ["batch:SubmitJob", "batch:TerminateJob", "batch:TagResource"],
                "resources": [
                    Expr(f'"arn:aws:batch:${{var.region}}:{account}:job-queue/*"'),
                    Expr(f'"arn:aws:batch:${{var.region}}:{account}:job-definition/*"'),
                    Expr(f'"arn:aws:batch:${{var.region}}:{account}:job/*"'),
                ],
            },
        ),
        Block(
            "statement",
            (),
            {"sid": "BatchFollow", "actions": ["batch:DescribeJobs", "batch:ListJobs"], "resources": ["*"]},
        ),
    ]


def _scheduler(queue: str) -> list[Block]:
    """flyteadmin's AWS scheduler: the SQS queue, and the role EventBridge assumes to send to it."""
    return [
        Block("resource", ("aws_sqs_queue", "scheduler"), {"name": queue, "sqs_managed_sse_enabled": True}),
        Block(
            "data",
            ("aws_iam_policy_document", "scheduler_trust"),
            blocks=[
                Block(
                    "statement",
                    (),
                    {"actions": ["sts:AssumeRole"]},
                    [Block("principals", (), {"type": "Service", "identifiers": ["events.amazonaws.com"]})],
                )
            ],
        ),
        Block(
            "resource",
            ("aws_iam_role", "scheduler"),
            {"name": "flyte-scheduler", "assume_role_policy": ref("data.aws_iam_policy_document.scheduler_trust.json")},
            comment="EventBridge sends the schedules' events to the queue as this role (scheduleRole)",
        ),
        Block(
            "data",
            ("aws_iam_policy_document", "scheduler_send"),
            blocks=[
                Block(
                    "statement", (), {"actions": ["sqs:SendMessage"], "resources": [ref("aws_sqs_queue.scheduler.arn")]}
                )
            ],
        ),
        Block(
            "resource",
            ("aws_iam_role_policy", "scheduler"),
            {
                "name": "send-to-queue",
                "role": ref("aws_iam_role.scheduler.id"),
                "policy": ref("data.aws_iam_policy_document.scheduler_send.json"),
            },
        ),
    ]


def _database(spec: DeploymentSpec) -> list[Block]:
    return [
        Block(
            "resource",
            ("aws_db_parameter_group", "flyte"),
            {"name": "flyte-postgres16", "family": "postgres16"},
            [
                Block("parameter", (), {"name": "rds.force_ssl", "value": "1"}),
                Block("parameter", (), {"name": "log_statement", "value": "ddl"}),
            ],
        ),
        Block(
            "resource",
            ("aws_db_instance", "flyte"),
            {
                "identifier": "flyte",
                "engine": "postgres",
                "engine_version": "16",
                "instance_class": var("db_instance_class"),
                "allocated_storage": 20,
                "db_name": spec.database.admin_dbname,
                "username": spec.database.user,
                "manage_master_user_password": True,
                "parameter_group_name": ref("aws_db_parameter_group.flyte.name"),
                "db_subnet_group_name": var("db_subnet_group_name"),
                "vpc_security_group_ids": var("db_security_group_ids"),
                "storage_encrypted": True,
                "publicly_accessible": False,
                "backup_retention_period": 7,
                "deletion_protection": True,
                "copy_tags_to_snapshot": True,
                "auto_minor_version_upgrade": True,
                "iam_database_authentication_enabled": True,
                "performance_insights_enabled": True,
                "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
                "skip_final_snapshot": False,
                "final_snapshot_identifier": "flyte-final",
            },
            skips=(
                ("CKV_AWS_157", "Multi-AZ doubles the cost; production may turn it on (multi_az = true)"),
                ("CKV_AWS_118", "enhanced monitoring needs an extra IAM role the organisation owns"),
                ("CKV_AWS_354", "Performance Insights uses the AWS managed key"),
                ("CKV2_AWS_30", "query logging is set by log_statement in the parameter group"),
            ),
        ),
    ]


def _trust_json(accounts: Sequence[ServiceAccountRef]) -> str:
    """The IRSA trust policy of one role: a statement per cluster, its OIDC provider and host from the shell
    variables ``OIDC_<CLUSTER>`` (``oidc.eks.<region>.amazonaws.com/id/<ID>``) and ``AWS_ACCOUNT_ID``."""
    statements = []
    for cluster in sorted({a.cluster for a in accounts}):
        host = f"${{OIDC_{slug(cluster).upper()}}}"
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::${{AWS_ACCOUNT_ID}}:oidc-provider/{host}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{host}:sub": sorted({a.subject for a in accounts if a.cluster == cluster}),
                        f"{host}:aud": "sts.amazonaws.com",
                    }
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def _cli(spec: DeploymentSpec, buckets: dict[str, str], accounts: Sequence[ServiceAccountRef]) -> list[str]:
    """The same with the aws CLI; the reader sets ``AWS_REGION``, ``AWS_ACCOUNT_ID`` and ``OIDC_<CLUSTER>`` (the
    issuer without ``https://``: ``aws eks describe-cluster --query cluster.identity.oidc.issuer``)."""
    steps = []
    for bucket in buckets.values():
        steps += [
            f'aws s3api create-bucket --bucket {bucket} --region "$AWS_REGION" '
            '--create-bucket-configuration LocationConstraint="$AWS_REGION"',
            f"aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
            f"aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration "
            '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}\'',
            f"aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ]
    access = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                    "Resource": [f"arn:aws:s3:::{b}" for b in buckets.values()],
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": [f"arn:aws:s3:::{b}/*" for b in buckets.values()],
                },
            ],
        },
        separators=(",", ":"),
    )
    for role in identity_roles(a.role for a in accounts):
        name = f"{spec.name}-{role}"[:64]
        mine = [a for a in accounts if a.role == role]
        steps += [
            f'aws iam create-role --role-name {name} --assume-role-policy-document "{_shell_json(_trust_json(mine))}"',
            f"aws iam put-role-policy --role-name {name} --policy-name flyte-buckets --policy-document '{access}'",
        ]
    scheduler = spec.components.scheduler
    if scheduler.enabled and scheduler.kind is SchedulerKind.AWS:
        events = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        send = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage",'
            f'"Resource":"arn:aws:sqs:${{AWS_REGION}}:${{AWS_ACCOUNT_ID}}:{scheduler.aws_queue}"}}]}}'
        )
        steps += [
            f"aws sqs create-queue --queue-name {scheduler.aws_queue} --attributes SqsManagedSseEnabled=true",
            f"aws iam create-role --role-name flyte-scheduler --assume-role-policy-document '{events}'",
            f'aws iam put-role-policy --role-name flyte-scheduler --policy-name send-to-queue --policy-document "{_shell_json(send)}"',
        ]
    db = spec.database
    steps += [
        "aws rds create-db-parameter-group --db-parameter-group-name flyte-postgres16 "
        '--db-parameter-group-family postgres16 --description "Flyte: TLS required"',
        "aws rds modify-db-parameter-group --db-parameter-group-name flyte-postgres16 "
        '--parameters "ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=pending-reboot"',
        f"aws rds create-db-instance --db-instance-identifier flyte --engine postgres --engine-version 16 "
        f"--db-instance-class db.t4g.medium --allocated-storage 20 --db-name {db.admin_dbname} "
        f"--master-username {db.user} --manage-master-user-password --storage-encrypted --no-publicly-accessible "
        '--db-parameter-group-name flyte-postgres16 --db-subnet-group-name "$DB_SUBNET_GROUP" '
        '--vpc-security-group-ids "$DB_SECURITY_GROUP"',
        f'psql "host=$RDS_HOST user={db.user} sslmode=require dbname={db.admin_dbname}" '
        f"-c 'CREATE DATABASE {db.datacatalog_dbname}'",
    ]
    return steps


def _shell_json(text: str) -> str:
    """JSON inside a double-quoted shell word: quotes escaped, ``${VAR}`` left for the shell to expand."""
    return text.replace("\\", "\\\\").replace('"', '\\"')
