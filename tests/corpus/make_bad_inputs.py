"""Write the bad-input corpus: one file per case under ``bad_inputs/``, a header of ``# key: value`` comment lines
(command, exit, path, fix, optional env and transform) above the input itself.

Run it again after changing the cases below (``python tests/corpus/make_bad_inputs.py``); the test reads only the
files, so each case stays readable and reviewable on its own.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent / "bad_inputs"
VALUES = "values {spec} -o {out} --force"


def preset(name: str) -> dict[str, Any]:
    from flytekit_deploy.presets import get_preset
    from flytekit_deploy.spec import dump_spec

    data: dict[str, Any] = yaml.safe_load(dump_spec(get_preset(name)))
    return data


def edit(base: str, **changes: Any) -> str:
    """``base`` preset's spec with ``a__b__0__c=value`` edits (``None`` deletes)."""
    data = preset(base)
    for key, value in changes.items():
        parts: list[Any] = [int(p) if p.isdigit() else p for p in key.split("__")]
        node: Any = data
        for part in parts[:-1]:
            node = node[part] if isinstance(part, int) else node.setdefault(part, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


DP = [{"name": "dp-1", "endpoint": "https://dp1.example.com"}]

# name -> (input text, header); header keys: command (default VALUES), path (list), fix (list), env, transform
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    # ---- values that reach install.sh --------------------------------------------------------------------------
    "chart-version-injection": (
        edit("onprem-starter", chart_version="v1.16.8 $(touch INJECTED)"),
        {"path": ["chart_version"], "fix": ["v1.16.8"]},
    ),
    "chart-version-latest": (
        edit("onprem-starter", chart_version="latest"),
        {"path": ["chart_version"], "fix": ["v1.16.8"]},
    ),
    "chart-version-newline": (
        edit("onprem-starter", chart_version="v1.16.8\ntouch INJECTED"),
        {"path": ["chart_version"], "fix": ["v1.16.8"]},
    ),
    "name-semicolon": (
        edit("onprem-starter", name="x; touch INJECTED"),
        {"path": ["name"], "fix": ["lowercase letters"]},
    ),
    "name-lowercase-placeholder": (
        edit("onprem-starter", name="<flyte>"),
        {"path": ["name"], "fix": ["lowercase letters"]},
    ),
    "namespace-lowercase-placeholder": (
        edit("onprem-starter", namespace="<flyte>"),
        {"path": ["namespace"], "fix": ["lowercase letters"]},
    ),
    "namespace-uppercase": (
        edit("onprem-starter", namespace="Flyte"),
        {"path": ["namespace"], "fix": ["lowercase letters"]},
    ),
    "namespace-backticks": (
        edit("onprem-starter", namespace="`id`"),
        {"path": ["namespace"], "fix": ["lowercase letters"]},
    ),
    "onprem-cluster-name-injection": (
        edit("onprem-starter", onprem={"cluster_name": "x; touch INJECTED"}),
        {"path": ["onprem.cluster_name"], "fix": ["letters, digits"]},
    ),
    "aws-cluster-name-space": (
        edit("eks-starter", aws={"cluster_name": "my cluster"}),
        {"path": ["aws.cluster_name"], "fix": ["EKS cluster names"]},
    ),
    "aws-cluster-name-comma": (
        edit("eks-starter", aws={"cluster_name": "a,b=c"}),
        {"path": ["aws.cluster_name"], "fix": ["EKS cluster names"]},
    ),
    "gcp-cluster-name-uppercase": (
        edit("gke-starter", gcp={"cluster_name": "Flyte"}),
        {"path": ["gcp.cluster_name"], "fix": ["GKE cluster names"]},
    ),
    "azure-cluster-name-subshell": (
        edit("aks-starter", azure={"cluster_name": "$(id)"}),
        {"path": ["azure.cluster_name"], "fix": ["AKS cluster names"]},
    ),
    "kube-context-space": (
        edit("onprem-starter", clusters={"kube_context": "my context"}),
        {"path": ["clusters.kube_context"], "fix": ["get-contexts"]},
    ),
    "kube-context-subshell": (
        edit("onprem-starter", clusters={"kube_context": "ctx$(touch INJECTED)"}),
        {"path": ["clusters.kube_context"], "fix": ["get-contexts"]},
    ),
    "kube-context-newline": (
        edit("onprem-starter", clusters={"kube_context": "ctx\nid"}),
        {"path": ["clusters.kube_context"], "fix": ["get-contexts"]},
    ),
    "data-plane-kube-context-quote": (
        edit("eks-multicluster", clusters__data_planes=[{"name": "dp-1", "kube_context": "a'b"}]),
        {"path": ["clusters.data_planes[0].kube_context"], "fix": ["get-contexts"]},
    ),
    "secret-key-subshell": (
        edit("onprem-starter", database__password={"name": "db-pass", "key": "$(touch INJECTED)"}),
        {"path": ["database.password.key"], "fix": ["letters, digits"]},
    ),
    "secret-key-newline": (
        edit("onprem-starter", database__password={"name": "db-pass", "key": "pass\ntxt"}),
        {"path": ["database.password.key"], "fix": ["letters, digits"]},
    ),
    "secret-key-slash": (
        edit("onprem-starter", database__password={"name": "db-pass", "key": "../etc/passwd"}),
        {"path": ["database.password.key"], "fix": ["letters, digits"]},
    ),
    "secret-key-dotdot": (
        edit("onprem-starter", database__password={"name": "db-pass", "key": ".."}),
        {"path": ["database.password.key"], "fix": ["letters, digits"]},
    ),
    "secret-name-space": (
        edit("onprem-starter", database__password={"name": "db pass", "key": "pass.txt"}),
        {"path": ["database.password.name"], "fix": ["lowercase letters"]},
    ),
    "storage-secret-key-injection": (
        edit("onprem-starter", storage__access_key={"name": "flyte-storage", "key": "k;id"}),
        {"path": ["storage.access_key.key"], "fix": ["letters, digits"]},
    ),
    "auth-secret-name-uppercase": (
        edit("onprem-production", auth__client_secret={"name": "Auth", "key": "oidc_client_secret"}),
        {"path": ["auth.client_secret.name"], "fix": ["lowercase letters"]},
    ),
    "connector-secret-key-bad": (
        edit("eks-hybrid", connectors=[{"kind": "databricks", "secret": {"name": "dbx", "key": "to ken"}}]),
        {"path": ["connectors[0].secret.key"], "fix": ["letters, digits"]},
    ),
    "tls-cluster-issuer-newline": (
        edit("gke-starter", ingress__tls={"mode": "cert-manager", "cluster_issuer": "le\ntouch INJECTED"}),
        {"path": ["ingress.tls.cluster_issuer"], "fix": ["lowercase letters"]},
    ),
    "tls-secret-name-space": (
        edit("onprem-starter", ingress__tls={"mode": "secret", "secret_name": "my cert"}),
        {"path": ["ingress.tls.secret_name"], "fix": ["lowercase letters"]},
    ),
    "database-host-lowercase-placeholder": (
        edit("onprem-starter", database__host="<db>"),
        {"path": ["database.host"], "fix": ["no spaces"]},
    ),
    "task-service-account-uppercase": (
        edit("onprem-starter", identity={"task_service_account": "Default"}),
        {"path": ["identity.task_service_account"], "fix": ["lowercase letters"]},
    ),
    "sqs-queue-space": (
        edit("eks-core-aws-scheduler", components__scheduler__aws_queue="my queue"),
        {"path": ["components.scheduler.aws_queue"], "fix": ["format"]},
    ),
    "image-tag-space": (
        edit("onprem-starter", components={"admin": {"image_tag": "v1 && id"}}),
        {"path": ["components.admin.image_tag"], "fix": ["v1.16.8"]},
    ),
    "copilot-image-tag-colon": (
        edit("onprem-starter", components={"copilot_image_tag": "repo:tag"}),
        {"path": ["components.copilot_image_tag"], "fix": ["v1.16.8"]},
    ),
    # ---- input limits and YAML -----------------------------------------------------------------------------
    "billion-laughs": (
        "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
        {"path": ["f[1]"], "fix": ["FLYTEKIT_DEPLOY_MAX_NODES="]},
    ),
    "deep-nesting-400": (
        "a: " + "[" * 400 + "]" * 400 + "\n",
        {"path": ["line 1"], "fix": ["FLYTEKIT_DEPLOY_MAX_DEPTH="]},
    ),
    "deep-mappings-70": (
        "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v: 1\n",
        {"path": ["line 65"], "fix": ["FLYTEKIT_DEPLOY_MAX_DEPTH="]},
    ),
    "too-many-keys": (
        "".join(f"k{i}: {i}\n" for i in range(40)),
        {"path": [""], "fix": ["FLYTEKIT_DEPLOY_MAX_KEYS=120"], "env": ["FLYTEKIT_DEPLOY_MAX_KEYS=30"]},
    ),
    "too-large": (
        edit("onprem-starter"),
        {"path": [""], "fix": ["FLYTEKIT_DEPLOY_MAX_BYTES=400"], "env": ["FLYTEKIT_DEPLOY_MAX_BYTES=100"]},
    ),
    "too-many-nodes-lowered": (
        "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a, *a]\n",
        {"path": ["b[2]"], "fix": ["FLYTEKIT_DEPLOY_MAX_NODES=80"], "env": ["FLYTEKIT_DEPLOY_MAX_NODES=20"]},
    ),
    "depth-lowered": (
        edit("onprem-starter"),
        {"path": ["line "], "fix": ["FLYTEKIT_DEPLOY_MAX_DEPTH=4"], "env": ["FLYTEKIT_DEPLOY_MAX_DEPTH=1"]},
    ),
    "duplicate-top-level-key": (
        "name: flyte\nmodel: sandbox\nname: other\n",
        {"path": ["name"], "fix": ["keep one"], "message": ["lines 1 and 3"]},
    ),
    "duplicate-nested-key": (
        "model: sandbox\nstorage:\n  metadata_bucket: a-bucket\n  endpoint: http://minio:9000\n  metadata_bucket: b-bucket\n",
        {"path": ["storage.metadata_bucket"], "fix": ["keep one"], "message": ["lines 3 and 5"]},
    ),
    "duplicate-in-list-item": (
        "model: multi-cluster\nchart: flyte-core\nclusters:\n  data_planes:\n  - name: dp-1\n    name: dp-2\n",
        {"path": ["clusters.data_planes[0].name"], "fix": ["keep one"], "message": ["lines 5 and 6"]},
    ),
    "duplicate-overrides-key": (
        edit("onprem-starter") + "overrides:\n  flyte-binary:\n    deployment:\n      replicas: 1\n      replicas: 2\n",
        {"path": ["overrides.flyte-binary.deployment.replicas"], "fix": ["keep one"]},
    ),
    "duplicate-quoted-key": (
        "'name': flyte\nname: other\n",
        {"path": ["name"], "fix": ["keep one"], "message": ["lines 1 and 2"]},
    ),
    "json-duplicate-key": (
        '{"model": "sandbox", "name": "a", "name": "b"}\n',
        {"path": ["name"], "fix": ["keep one"], "message": ["lines 1 and 1"]},
    ),
    "empty-file": ("", {"path": [""], "fix": ["init sandbox"]}),
    "only-comments": ("# nothing here\n", {"path": [""], "fix": ["init sandbox"]}),
    "top-level-list": ("- model: sandbox\n", {"path": [""], "fix": ["init sandbox"]}),
    "top-level-scalar": ("sandbox\n", {"path": [""], "fix": ["init sandbox"]}),
    "tab-indentation": ("model: sandbox\nstorage:\n\tendpoint: x\n", {"path": ["line 3"], "fix": ["indentation"]}),
    "unclosed-quote": ("name: 'flyte\nmodel: sandbox\n", {"path": ["line"], "fix": ["indentation or quoting"]}),
    "python-tag": (
        "name: !!python/object/apply:os.system ['touch INJECTED']\n",
        {"path": ["line 1"], "fix": ["quoting"]},
    ),
    "json-syntax-error": ('{"model": "sandbox"\n', {"path": ["line 2"], "fix": ["quoting"]}),
    "binary-file": ("model: sandbox\n", {"path": ["{spec}"], "fix": ["YAML or JSON"], "transform": "binary"}),
    "latin1-file": ("name: flyté\n", {"path": ["{spec}"], "fix": ["YAML or JSON"], "transform": "latin1"}),
    "utf16-file": ("model: sandbox\n", {"path": ["{spec}"], "fix": ["YAML or JSON"], "transform": "utf16"}),
    # ---- types, enums, unknown keys ----------------------------------------------------------------------
    "replicas-true": (
        edit("onprem-starter", components={"admin": {"replicas": True}}),
        {"path": ["components.admin.replicas"], "fix": ["write a number"]},
    ),
    "workers-false": (
        edit("onprem-starter", components={"propeller": {"workers": False}}),
        {"path": ["components.propeller.workers"], "fix": ["write a number"]},
    ),
    "port-true": (edit("onprem-starter", database__port=True), {"path": ["database.port"], "fix": ["write a number"]}),
    "weight-true": (
        edit("eks-multicluster", clusters__data_planes=[{"name": "dp-1", "weight": True}]),
        {"path": ["clusters.data_planes[0].weight"], "fix": ["write a number"]},
    ),
    "cache-size-false": (
        edit("onprem-starter", storage__cache_max_size_mb=False),
        {"path": ["storage.cache_max_size_mb"], "fix": ["write a number"]},
    ),
    "replicas-negative": (
        edit("onprem-starter", components={"admin": {"replicas": -1}}),
        {"path": ["components.admin.replicas"], "fix": ["larger value"]},
    ),
    "replicas-text": (
        edit("onprem-starter", components={"admin": {"replicas": "many"}}),
        {"path": ["components.admin.replicas"], "fix": ["whole number"]},
    ),
    "port-too-large": (
        edit("onprem-starter", database__port=70000),
        {"path": ["database.port"], "fix": ["smaller value"]},
    ),
    "unknown-top-level-key": (
        edit("onprem-starter", stroage={"metadata_bucket": "x"}),
        {"path": ["stroage"], "fix": ["did you mean 'storage'"]},
    ),
    "unknown-nested-key": (
        edit("onprem-starter", components={"consle": {"enabled": False}}),
        {"path": ["components.consle"], "fix": ["did you mean 'console'"]},
    ),
    "bad-model-enum": (edit("onprem-starter", model="single"), {"path": ["model"], "fix": ["one of the values"]}),
    "bad-environment-enum": (
        edit("onprem-starter", environment="aws-cloud"),
        {"path": ["environment"], "fix": ["one of the values"]},
    ),
    "components-as-list": (edit("onprem-starter", components=["admin"]), {"path": ["components"], "fix": ["mapping"]}),
    "bad-cpu-quantity": (
        edit("onprem-starter", components={"admin": {"resources": {"cpu_request": "two"}}}),
        {"path": ["components.admin.resources.cpu_request"], "fix": ["500m"]},
    ),
    "bad-memory-quantity": (
        edit("onprem-starter", components={"admin": {"resources": {"memory_limit": "4 GB"}}}),
        {"path": ["components.admin.resources.memory_limit"], "fix": ["512Mi"]},
    ),
    "bad-duration": (
        edit("onprem-starter", observability={"service_monitor": {"interval": "5 minutes"}}),
        {"path": ["observability.service_monitor.interval"], "fix": ["30s"]},
    ),
    "bad-quota": (
        edit("onprem-starter", projects={"quotas": {"production": {"memory": "lots"}}}),
        {"path": ["projects.quotas.production.memory"], "fix": ["512Mi"]},
    ),
    "domain-uppercase": (
        edit("onprem-starter", projects={"domains": ["Production"]}),
        {"path": ["projects.domains[0]"], "fix": ["lowercase letters"]},
    ),
    "project-underscore": (
        edit("onprem-starter", projects={"projects": [{"name": "my_project"}]}),
        {"path": ["projects.projects[0].name"], "fix": ["lowercase letters"]},
    ),
    "aws-region-bad": (edit("eks-starter", aws={"region": "us-east"}), {"path": ["aws.region"], "fix": ["format"]}),
    "aws-account-short": (
        edit("eks-starter", aws={"account_id": "12345"}),
        {"path": ["aws.account_id"], "fix": ["format"]},
    ),
    "gcp-project-bad": (
        edit("gke-starter", gcp={"project_id": "My_Project"}),
        {"path": ["gcp.project_id"], "fix": ["format"]},
    ),
    "gcp-region-bad": (edit("gke-starter", gcp={"region": "us central"}), {"path": ["gcp.region"], "fix": ["format"]}),
    "azure-storage-account-uppercase": (
        edit("aks-starter", azure={"storage_account": "FlyteData"}),
        {"path": ["azure.storage_account"], "fix": ["format"]},
    ),
    "azure-resource-group-space": (
        edit("aks-starter", azure={"resource_group": "my group"}),
        {"path": ["azure.resource_group"], "fix": ["format"]},
    ),
    "storage-region-bad": (
        edit("eks-starter", storage__region="US-EAST-1"),
        {"path": ["storage.region"], "fix": ["format"]},
    ),
    # ---- buckets ---------------------------------------------------------------------------------------
    "both-buckets-bad": (
        edit("eks-starter", storage__metadata_bucket="My_Bucket", storage__raw_data_bucket="x"),
        {"path": ["storage.metadata_bucket", "storage.raw_data_bucket"], "fix": ["S3 bucket names"]},
    ),
    "s3-bucket-ip": (
        edit("eks-starter", storage__metadata_bucket="192.168.1.1"),
        {"path": ["storage.metadata_bucket"], "fix": ["S3 bucket names"]},
    ),
    "s3-bucket-dotdot": (
        edit("eks-starter", storage__metadata_bucket="a..b"),
        {"path": ["storage.metadata_bucket"], "fix": ["S3 bucket names"]},
    ),
    "gcs-bucket-google": (
        edit("gke-starter", storage__metadata_bucket="my-google-bucket"),
        {"path": ["storage.metadata_bucket"], "fix": ["GCS bucket names"]},
    ),
    "azure-container-double-dash": (
        edit("aks-starter", storage__metadata_bucket="flyte--data"),
        {"path": ["storage.metadata_bucket"], "fix": ["Azure Blob container"]},
    ),
    "bucket-with-slash": (
        edit("onprem-starter", storage__metadata_bucket="flyte/metadata"),
        {"path": ["storage.metadata_bucket"], "fix": ["S3 bucket names"]},
    ),
    # ---- identifiers ---------------------------------------------------------------------------------
    "role-is-s3-arn": (
        edit("eks-starter", identity__backend="arn:aws:s3:::flyte-metadata"),
        {"path": ["identity.backend"], "fix": ["IAM role"], "message": ["s3 ARN"]},
    ),
    "role-not-arn": (
        edit("eks-starter", identity__tasks="flyte-tasks-role"),
        {"path": ["identity.tasks"], "fix": ["IAM role"]},
    ),
    "role-bad-account": (
        edit("eks-starter", identity__backend="arn:aws:iam::1234:role/flyte"),
        {"path": ["identity.backend"], "fix": ["IAM role"]},
    ),
    "role-per-domain-bad": (
        edit("eks-starter", identity__tasks_per_domain={"production": "arn:aws:iam::123456789012:user/x"}),
        {"path": ["identity.tasks_per_domain.production"], "fix": ["IAM role"]},
    ),
    "propeller-role-bad": (
        edit("eks-core", identity={"propeller": "propeller"}),
        {"path": ["identity.propeller"], "fix": ["IAM role"]},
    ),
    "gsa-gmail": (
        edit("gke-starter", identity__backend="flyte@gmail.com"),
        {"path": ["identity.backend"], "fix": ["iam.gserviceaccount.com"]},
    ),
    "gsa-no-domain": (
        edit("gke-starter", identity__tasks="flyte-tasks"),
        {"path": ["identity.tasks"], "fix": ["iam.gserviceaccount.com"]},
    ),
    "azure-client-id-not-guid": (
        edit("aks-starter", identity__backend="flyte-backend"),
        {"path": ["identity.backend"], "fix": ["GUID"]},
    ),
    "azure-tenant-not-guid": (
        edit("aks-starter", azure={"tenant_id": "contoso.onmicrosoft.com"}),
        {"path": ["azure.tenant_id"], "fix": ["GUID"]},
    ),
    "azure-subscription-short-guid": (
        edit("aks-starter", azure={"subscription_id": "0000-0000"}),
        {"path": ["azure.subscription_id"], "fix": ["GUID"]},
    ),
    "acm-arn-is-iam": (
        edit("eks-starter", ingress__tls={"mode": "acm", "certificate_arn": "arn:aws:iam::123456789012:role/x"}),
        {"path": ["ingress.tls.certificate_arn"], "fix": ["ACM"]},
    ),
    "acm-arn-garbage": (
        edit("eks-starter", ingress__tls={"mode": "acm", "certificate_arn": "certificate-1"}),
        {"path": ["ingress.tls.certificate_arn"], "fix": ["ACM"]},
    ),
    "scheduler-role-not-arn": (
        edit("eks-core-aws-scheduler", components__scheduler__aws_scheduler_role_arn="scheduler"),
        {"path": ["components.scheduler.aws_scheduler_role_arn"], "fix": ["arn:aws:iam"]},
    ),
    # ---- host names and URLs -------------------------------------------------------------------------
    "db-host-space": (
        edit("onprem-starter", database__host="my db"),
        {"path": ["database.host"], "fix": ["no spaces"]},
    ),
    "db-host-underscore": (
        edit("onprem-starter", database__host="flyte_db.internal"),
        {"path": ["database.host"], "fix": ["no '_'"]},
    ),
    "db-host-with-port": (
        edit("onprem-starter", database__host="postgres:5432"),
        {"path": ["database.host"], "fix": ["database.port"]},
    ),
    "db-host-url": (
        edit("onprem-starter", database__host="postgres://db.example.com"),
        {"path": ["database.host"], "fix": ["database.port"]},
    ),
    "ingress-host-single-label": (
        edit("onprem-starter", ingress__host="flyte"),
        {"path": ["ingress.host"], "fix": ["flyte.example.com"]},
    ),
    "ingress-host-scheme": (
        edit("onprem-starter", ingress__host="https://flyte.example.com"),
        {"path": ["ingress.host"], "fix": ["no scheme"]},
    ),
    "ingress-host-underscore": (
        edit("onprem-starter", ingress__host="flyte_web.example.com"),
        {"path": ["ingress.host"], "fix": ["no '_'"]},
    ),
    "storage-endpoint-credentials": (
        edit("onprem-starter", storage__endpoint="http://minio:minio123@minio.example.com:9000"),
        {"path": ["storage.endpoint"], "fix": ["Secret"]},
    ),
    "storage-endpoint-ftp": (
        edit("onprem-starter", storage__endpoint="ftp://minio.example.com"),
        {"path": ["storage.endpoint"], "fix": ["https://"]},
    ),
    "storage-endpoint-space": (
        edit("onprem-starter", storage__endpoint="http://minio example:9000"),
        {"path": ["storage.endpoint"], "fix": ["https://"]},
    ),
    "issuer-http": (
        edit("onprem-production", auth__issuer="http://keycloak.example.com/realms/flyte"),
        {"path": ["auth.issuer"], "fix": ["https://"]},
    ),
    "issuer-credentials": (
        edit("onprem-production", auth__issuer="https://admin:pw@keycloak.example.com/realms/flyte"),
        {"path": ["auth.issuer"], "fix": ["Secret"]},
    ),
    "dataplane-endpoint-http": (
        edit("eks-multicluster", clusters__data_planes=[{"name": "dp-1", "endpoint": "http://dp1.example.com"}]),
        {"path": ["clusters.data_planes[0].endpoint"], "fix": ["https://"]},
    ),
    "connector-endpoint-credentials": (
        edit(
            "eks-hybrid",
            connectors=[{"kind": "databricks", "endpoint": "https://token:dapi123@dbc.cloud.databricks.com"}],
        ),
        {"path": ["connectors[0].endpoint"], "fix": ["Secret"]},
    ),
    "admin-endpoint-space": (
        edit("eks-multicluster", clusters__admin_endpoint="dns:///flyte example.com"),
        {"path": ["clusters.admin_endpoint"], "fix": ["format"]},
    ),
    "admin-endpoint-credentials": (
        edit("eks-multicluster", clusters__admin_endpoint="dns:///user:pw@flyte.example.com"),
        {"path": ["clusters.admin_endpoint"], "fix": ["format"]},
    ),
    "authorized-uri-ftp": (
        edit("onprem-production", auth__authorized_uris=["ftp://flyte.example.com"]),
        {"path": ["auth.authorized_uris"], "fix": ["https://"]},
    ),
    # ---- secrets outside Secret references -------------------------------------------------------------
    "dashboard-url-credentials": (
        edit("onprem-starter", observability={"logs": {"kubernetes_url": "https://admin:pw@dash.example.com/#/log/"}}),
        {"path": ["observability.logs.kubernetes_url"], "fix": ["Secret"]},
    ),
    "log-link-credentials": (
        edit(
            "onprem-starter",
            observability={
                "logs": {
                    "providers": ["custom"],
                    "custom": [{"name": "logs", "template": "https://u:p@logs.example.com/{{ .podName }}"}],
                }
            },
        ),
        {"path": ["observability.logs.custom[0].template"], "fix": ["Secret"]},
    ),
    "ingress-annotation-credentials": (
        edit("onprem-starter", ingress__annotations={"auth-url": "https://user:pw@auth.example.com"}),
        {"path": ["ingress.annotations.auth-url"], "fix": ["Secret"]},
    ),
    "overrides-database-password": (
        edit("onprem-starter", overrides={"flyte-binary": {"configuration": {"database": {"password": "hunter2"}}}}),
        {"path": ["overrides.flyte-binary.configuration.database.password"], "fix": ["database.password"]},
    ),
    "overrides-core-db-password": (
        edit("eks-core", overrides={"flyte-core": {"db": {"admin": {"database": {"password": "hunter2"}}}}}),
        {"path": ["overrides.flyte-core.db.admin.database.password"], "fix": ["Secret reference"]},
    ),
    "overrides-client-secret": (
        edit("onprem-starter", overrides={"flyte-binary": {"configuration": {"auth": {"clientSecret": "abc"}}}}),
        {"path": ["overrides.flyte-binary.configuration.auth.clientSecret"], "fix": ["Secret reference"]},
    ),
    "overrides-token-in-list": (
        edit("onprem-starter", overrides={"flyte-binary": {"extra": [{"name": "x", "token": "t0k3n"}]}}),
        {"path": ["overrides.flyte-binary.extra[0].token"], "fix": ["Secret reference"]},
    ),
    "overrides-secret-access-key": (
        edit(
            "onprem-starter",
            overrides={
                "flyte-binary": {"configuration": {"storage": {"providerConfig": {"s3": {"secretKey": "abc"}}}}}
            },
        ),
        {
            "path": ["overrides.flyte-binary.configuration.storage.providerConfig.s3.secretKey"],
            "fix": ["storage.access_key"],
        },
    ),
    "overrides-url-credentials": (
        edit(
            "onprem-starter",
            overrides={"flyte-binary": {"configuration": {"storage": {"endpoint": "http://a:b@minio:9000"}}}},
        ),
        {"path": ["overrides.flyte-binary.configuration.storage.endpoint"], "fix": ["Secret"]},
    ),
    "inline-db-password": (
        edit("onprem-starter", database__password={"name": "db-pass", "key": "pass.txt", "value": "hunter2"}),
        {"path": ["database.password.value"], "fix": ["kubectl"]},
    ),
    "inline-storage-keys": (
        edit("onprem-starter", storage__access_key={"name": "s", "key": "k", "value": "AKIA"}),
        {"path": ["storage.access_key.value"], "fix": ["kubectl"]},
    ),
    # ---- contradictions, all in one run ----------------------------------------------------------------
    "multi-cluster-on-binary": (
        edit("onprem-starter", model="multi-cluster", clusters={"data_planes": DP}),
        {"path": ["chart"], "fix": ["flyte-core"]},
    ),
    "multi-cluster-no-data-planes": (
        edit("eks-multicluster", clusters={"data_planes": []}),
        {"path": ["clusters.data_planes"], "fix": ["add clusters.data_planes"]},
    ),
    "data-planes-outside-multi": (
        edit("onprem-starter", clusters={"data_planes": DP}),
        {"path": ["clusters.data_planes"], "fix": ["multi-cluster"]},
    ),
    "duplicate-cluster-names": (
        edit("eks-multicluster", clusters__data_planes=[{"name": "dp-1"}, {"name": "dp-1"}]),
        {"path": ["clusters.data_planes"], "fix": ["rename"]},
    ),
    "sandbox-on-aws": (edit("sandbox", environment="aws"), {"path": ["environment"], "fix": ["single-cluster"]}),
    "settings-for-other-env": (
        edit("onprem-starter", aws={"region": "us-east-1"}),
        {"path": ["aws"], "fix": ["environment: aws"]},
    ),
    "irsa-on-gcp": (
        edit("gke-starter", identity__mode="irsa"),
        {"path": ["identity.mode"], "fix": ["gcp-workload-identity"]},
    ),
    "production-without-auth": (edit("onprem-starter", profile="production"), {"path": ["auth.mode"], "fix": ["oidc"]}),
    "hybrid-without-connectors": (edit("eks-hybrid", connectors=[]), {"path": ["connectors"], "fix": ["aws-batch"]}),
    "aws-scheduler-on-gcp": (
        edit("gke-starter", components={"scheduler": {"kind": "aws"}}, chart="flyte-core"),
        {"path": ["components.scheduler.kind"], "fix": ["native"]},
    ),
    "s3-compatible-no-endpoint": (
        edit("onprem-starter", storage__endpoint=None),
        {"path": ["storage.endpoint"], "fix": ["storage.endpoint"]},
    ),
    "secret-credentials-without-keys": (
        edit("onprem-starter", storage__access_key=None),
        {"path": ["storage.credentials"], "fix": ["access_key"]},
    ),
    "external-auth-without-audience": (
        edit("onprem-production", auth__mode="oidc-external", auth__external_audience=None),
        {"path": ["auth.external_audience"], "fix": ["audience"]},
    ),
    "twelve-problems": (
        edit(
            "eks-starter",
            chart="flyte-sandbox",
            components={"admin": {"replicas": True}, "console": {"image_tag": "a b"}},
            database__host="my db",
            ingress__host="flyte",
            storage__metadata_bucket="Bad_Bucket",
            storage__raw_data_bucket="x",
            identity__backend="arn:aws:s3:::b",
            identity__tasks="tasks",
            overrides={"flyte-binary": {"db": {"password": "pw"}}},
            observability={"service_monitor": {"interval": "often"}},
            projects={"domains": ["Prod"]},
        ),
        {
            "path": [
                "components.admin.replicas",
                "components.console.image_tag",
                "database.host",
                "ingress.host",
                "storage.metadata_bucket",
                "storage.raw_data_bucket",
                "observability.service_monitor.interval",
                "projects.domains[0]",
                "chart",
                "identity.backend",
                "identity.tasks",
                "overrides.flyte-binary.db.password",
            ],
            "fix": ["S3 bucket names"],
            "message": ["12 problems found"],
        },
    ),
    # ---- other commands and the output path ------------------------------------------------------------
    "output-is-a-file": (
        edit("onprem-starter"),
        {"command": "values {spec} -o {file}", "path": ["{file}"], "fix": ["folder"]},
    ),
    "output-below-a-file": (
        edit("onprem-starter"),
        {"command": "values {spec} -o {file}/out", "path": ["{file}"], "fix": ["does not pass a file"]},
    ),
    "output-is-current-folder": (
        edit("onprem-starter"),
        {"command": "values {spec} -o .", "path": ["{cwd}"], "fix": ["sub-folder"]},
    ),
    "output-has-edited-file": (
        edit("onprem-starter"),
        {"command": "values {spec} -o {out}", "path": ["{out}/"], "fix": ["--force"]},
    ),
    "init-below-a-file": (
        "# the input is unused: init takes a preset\n",
        {"command": "init sandbox -o {file}/flyte.yaml", "path": ["{file}"], "fix": ["give a folder"]},
    ),
    "init-existing-spec": (
        "# unused\n",
        {"command": "init eks-core -o {out}/spec.yaml", "path": ["{out}/spec.yaml"], "fix": ["--force"]},
    ),
    "init-unknown-preset": (
        "# unused\n",
        {"command": "init eks-cor -o {dir}/flyte.yaml", "path": ["preset"], "fix": ["eks-core"]},
    ),
    "schema-below-a-file": (
        "# unused\n",
        {"command": "schema -o {file}/schema.json", "path": ["{file}"], "fix": ["give a folder"]},
    ),
    "spec-and-preset": (
        edit("onprem-starter"),
        {"command": "values {spec} --preset sandbox -o {out}", "path": ["--preset"], "fix": ["drop one"]},
    ),
    "no-spec": ("# unused\n", {"command": "values -o {out}", "path": ["SPEC"], "fix": ["--preset sandbox"]}),
    "spec-missing": (
        "# unused\n",
        {"command": "values {missing} -o {out}", "path": ["{missing}"], "fix": ["check the path"]},
    ),
    "spec-is-a-folder": (
        "# unused\n",
        {"command": "values {dir} -o {out}", "path": ["{dir}"], "fix": ["YAML or JSON"]},
    ),
    "explain-bad-spec": (
        edit("onprem-starter", database__host="my db"),
        {"command": "explain {spec}", "path": ["database.host"], "fix": ["no spaces"]},
    ),
    "doctor-bad-spec": (
        "name: flyte\nname: again\n",
        {"command": "doctor {spec}", "path": ["name"], "fix": ["keep one"]},
    ),
    "diagram-bad-spec": (
        edit("onprem-starter", chart_version="$(id)"),
        {"command": "diagram {spec} -o {out}/d.mmd --format mermaid", "path": ["chart_version"], "fix": ["v1.16.8"]},
    ),
    "check-values-duplicate-key": (
        "configuration:\n  database:\n    port: 5432\n    port: 5433\n",
        {"command": "check {spec} --chart flyte-binary", "path": ["configuration.database.port"], "fix": ["keep one"]},
    ),
    "check-values-billion-laughs": (
        (
            "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
            "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        ),
        {"command": "check {spec} --chart flyte-core", "path": ["f[1]"], "fix": ["FLYTEKIT_DEPLOY_MAX_NODES="]},
    ),
    "check-values-too-deep": (
        "a: " + "[" * 100 + "]" * 100 + "\n",
        {"command": "check {spec} --chart flyte-core", "path": ["line 1"], "fix": ["FLYTEKIT_DEPLOY_MAX_DEPTH="]},
    ),
    "import-values-billion-laughs": (
        (
            "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
            "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        ),
        {
            "command": "import {spec} --chart flyte-core -o {out}/spec.yaml --force",
            "path": ["f[1]"],
            "fix": ["FLYTEKIT_DEPLOY_MAX_NODES="],
        },
    ),
    "import-values-duplicate-key": (
        "configuration:\n  storage:\n    metadataContainer: a\n    metadataContainer: b\n",
        {
            "command": "import {spec} --chart flyte-binary -o {out}/spec.yaml --force",
            "path": ["configuration.storage.metadataContainer"],
            "fix": ["keep one"],
            "message": ["lines 3 and 4"],
        },
    ),
    "doctor-timeout-zero": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --timeout 0", "path": ["--timeout"], "fix": ["above 0"]},
    ),
    "doctor-timeout-negative": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --timeout -5", "path": ["--timeout"], "fix": ["above 0"]},
    ),
    "doctor-timeout-nan": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --timeout nan", "path": ["--timeout"], "fix": ["above 0"]},
    ),
    "doctor-timeout-inf": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --timeout inf", "path": ["--timeout"], "fix": ["above 0"]},
    ),
    "doctor-timeout-not-live": (
        "# unused\n",
        {"command": "doctor --preset sandbox --timeout -1", "path": ["--timeout"], "fix": ["above 0"]},
    ),
    "doctor-endpoint-ftp": (
        "# unused\n",
        {
            "command": "doctor --preset sandbox --live --storage-endpoint ftp://x",
            "path": ["--storage-endpoint"],
            "fix": ["http(s) URL"],
        },
    ),
    "doctor-endpoint-credentials": (
        "# unused\n",
        {
            "command": "doctor --preset sandbox --live --storage-endpoint http://k:s@127.0.0.1:9000",
            "path": ["--storage-endpoint"],
            "fix": ["remove them"],
        },
    ),
    "doctor-db-port-zero": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --db-port 0", "path": ["--db-port"], "fix": ["1 to 65535"]},
    ),
    "doctor-db-host-space": (
        "# unused\n",
        {"command": "doctor --preset sandbox --live --db-host 'a b'", "path": ["--db-host"], "fix": ["127.0.0.1"]},
    ),
}


def header(meta: dict[str, Any]) -> str:
    lines = [f"# command: {meta.get('command', VALUES)}", f"# exit: {meta.get('exit', 2)}"]
    lines += [f"# path: {p}" for p in meta["path"]]
    lines += [f"# fix: {f}" for f in meta["fix"]]
    lines += [f"# message: {m}" for m in meta.get("message", [])]
    lines += [f"# env: {e}" for e in meta.get("env", [])]
    if "transform" in meta:
        lines.append(f"# transform: {meta['transform']}")
    return "\n".join(lines) + "\n# ---\n"


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for old in HERE.glob("*.yaml"):
        old.unlink()
    for name, (text, meta) in CASES.items():
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        (HERE / f"{name}.yaml").write_text(header(meta) + text, encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
