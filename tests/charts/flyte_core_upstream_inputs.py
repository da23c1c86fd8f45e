"""The inputs upstream's flyte-core overlays were written with (buckets, hosts, roles, resources, quotas,
placeholders), and :func:`fed`, which writes them into a preset."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flytekit_deploy.presets import get_preset
from flytekit_deploy.spec import DeploymentSpec

__all__ = ["EKS_AWS_SCHEDULER_INPUTS", "EKS_INPUTS", "GCP_INPUTS", "SANDBOX_INPUTS", "UPSTREAM_PROJECTS", "fed"]

UPSTREAM_PROJECTS = [{"name": "flytesnacks"}, {"name": "flytetester"}, {"name": "flyteexamples"}]


def _quota(cpu: str, memory: str) -> dict[str, str]:
    return {"cpu": cpu, "memory": memory}


def _resources(**quantities: str) -> dict[str, str]:
    return quantities


def _database(host: str) -> dict[str, Any]:
    """The database of upstream's cloud overlays: one ``flyteadmin`` database for both services, on ``host``."""
    return {
        "host": host,
        "port": 5432,
        "user": "flyteadmin",
        "admin_dbname": "flyteadmin",
        "datacatalog_dbname": "flyteadmin",
        "password": {"name": "db-pass", "key": "pass.txt"},
    }


def _spread(replicas: int, resources: dict[str, str], **settings: Any) -> dict[str, Any]:
    """A component as upstream's cloud overlays run it: ``replicas`` pods spread across nodes."""
    return {"replicas": replicas, "spread_across_nodes": True, **settings, "resources": resources}


EKS_INPUTS: dict[str, Any] = {
    "aws": {"account_id": "<ACCOUNT_NUMBER>", "region": "<AWS_REGION>"},
    "storage": {
        "provider": "s3",
        "metadata_bucket": "<METADATA_BUCKET_NAME>",
        "raw_data_bucket": "<RAW_DATA_BUCKET_NAME>",
        "region": "<AWS_REGION>",
        "cache_max_size_mb": 1024,
    },
    "database": _database("<RDS_HOST>"),
    "identity": {
        "backend": "arn:aws:iam::<ACCOUNT_NUMBER>:role/iam-role-flyte",
        "tasks": "arn:aws:iam::<ACCOUNT_NUMBER>:role/flyte-user-role",
    },
    "ingress": {
        "controller": "alb",
        "host": None,
        "separate_grpc": True,
        "tls": {"mode": "acm", "certificate_arn": "<CERTIFICATE_ARN>"},
    },
    "components": {
        "admin": _spread(2, _resources(cpu_request="50m", memory_request="200Mi", ephemeral_storage="200Mi")),
        "datacatalog": _spread(
            2, _resources(cpu_limit="1", cpu_request="500m", memory_request="200Mi", ephemeral_storage="200Mi")
        ),
        "propeller": _spread(
            2,
            _resources(
                cpu_request="1", cpu_limit="1", memory_request="2Gi", memory_limit="2Gi", ephemeral_storage="1Gi"
            ),
            workers=40,
        ),
        "console": _spread(2, _resources(cpu_limit="250m")),
    },
    "observability": {"logs": {"providers": ["cloudwatch"], "cloudwatch_log_group": "<LOG_GROUP_NAME>"}},
    "projects": {
        "projects": UPSTREAM_PROJECTS,
        "quotas": {
            "production": _quota("5", "4000Mi"),
            "staging": _quota("2", "3000Mi"),
            "development": _quota("4", "3000Mi"),
        },
    },
}

EKS_AWS_SCHEDULER_INPUTS: dict[str, Any] = {
    "components": {
        "scheduler": {
            "kind": "aws",
            "aws_queue": "flyte-helm-test-cron-scheduler-queue",
            "aws_scheduler_role_arn": "arn:aws:iam::<ACCOUNT_NUMBER>:role/flyte_cron_scheduler_role",
        }
    }
}


def _gsa(name: str) -> str:
    return f"gsa-{name}@<PROJECT-ID>.iam.gserviceaccount.com"


GCP_INPUTS: dict[str, Any] = {
    "gcp": {"project_id": "<PROJECT-ID>"},
    "storage": {
        "provider": "gcs",
        "metadata_bucket": "<METADATA_BUCKET_NAME>",
        "raw_data_bucket": "<RAW_DATA_BUCKET_NAME>",
        "cache_max_size_mb": 0,
    },
    "database": _database("<CLOUD-SQL-IP>"),
    "identity": {
        "backend": _gsa("flyteadmin"),
        "propeller": _gsa("flytepropeller"),
        "tasks": None,
        "tasks_per_domain": {d: _gsa(d) for d in ("production", "staging", "development")},
    },
    "ingress": {
        "kind": "ingress",  # upstream's values-gcp uses ingress-nginx (retired): named as the legacy choice
        "controller": "nginx",
        "host": "<HOSTNAME>",
        "separate_grpc": True,
        "tls": {"mode": "cert-manager", "cluster_issuer": "letsencrypt-production"},
    },
    "components": {
        "admin": _spread(1, _resources(cpu_request="500m", memory_request="1G", ephemeral_storage="2Gi")),
        "datacatalog": _spread(
            1, _resources(cpu_limit="500m", cpu_request="50m", memory_request="200Mi", ephemeral_storage="2Gi")
        ),
        "propeller": _spread(
            1,
            _resources(
                cpu_limit="500m", cpu_request="50m", memory_limit="1Gi", memory_request="1Gi", ephemeral_storage="2Gi"
            ),
            workers=40,
        ),
        "console": _spread(1, _resources(cpu_limit="250m")),
    },
    "observability": {"logs": {"providers": ["stackdriver"], "stackdriver_log_resource": "k8s_container"}},
    "projects": {
        "projects": UPSTREAM_PROJECTS,
        "quotas": {
            "production": _quota("5", "4000Mi"),
            "staging": _quota("2", "3000Mi"),
            "development": _quota("2", "3000Mi"),
        },
    },
}

SANDBOX_INPUTS: dict[str, Any] = {
    "database": {"host": "postgres", "port": 5432, "user": "postgres", "datacatalog_dbname": "datacatalog"},
    "components": {"propeller": {"workers": 4}},
    "observability": {"logs": {"providers": ["kubernetes"], "kubernetes_url": "http://localhost:30082/#/log/"}},
    "projects": {
        "projects": UPSTREAM_PROJECTS,
        "quotas": {d: _quota("8", "16Gi") for d in ("production", "staging", "development")},
    },
}


def _update(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Nested update of a spec dump; unlike Helm's merge, None is a value (e.g. no ingress host)."""
    merged = copy.deepcopy(dict(data))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _update(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def fed(preset: str, *inputs: Mapping[str, Any]) -> DeploymentSpec:
    """The preset with upstream's inputs written into it, layer by layer, validated again like any spec. Hardening
    is off: it adds to what upstream means (tests/charts/test_hardening_values.py checks it adds only its keys)."""
    data: dict[str, Any] = {**get_preset(preset).model_dump(mode="json"), "hardening": "off"}
    for changes in inputs:
        data = _update(data, changes)
    return DeploymentSpec.model_validate(data)
