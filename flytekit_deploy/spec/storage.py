"""Object storage: where Flyte keeps metadata and task data."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .base import SecretRef, SpecModel
from .platform import Environment
from .validators import check_bucket, check_https_url, invalid, raise_all

__all__ = ["StorageProvider", "StorageCredentials", "Storage"]


class StorageProvider(str, Enum):
    S3 = "s3"
    GCS = "gcs"
    AZURE = "azure"
    S3_COMPATIBLE = "s3-compatible"

    @property
    def home(self) -> Environment | None:
        """The environment whose workload identity reaches this store (None: any store reached with keys)."""
        return {
            StorageProvider.S3: Environment.AWS,
            StorageProvider.GCS: Environment.GCP,
            StorageProvider.AZURE: Environment.AZURE,
        }.get(self)

    @property
    def takes_endpoint(self) -> bool:
        """Only an S3-compatible store is named by its endpoint."""
        return self is StorageProvider.S3_COMPATIBLE


class StorageCredentials(str, Enum):
    """How pods authenticate to the store: the cloud identity of their service account, or keys in a Secret."""

    WORKLOAD_IDENTITY = "workload-identity"
    SECRET = "secret"


class Storage(SpecModel):
    """Metadata and raw-data buckets (containers on Azure) and how Flyte reaches them."""

    provider: StorageProvider = Field(default=StorageProvider.S3_COMPATIBLE, description="Object store kind.")
    metadata_bucket: str = Field(
        default="my-s3-bucket",
        description="Bucket for Flyte's metadata (inputs, outputs, workflow closures).",
    )
    raw_data_bucket: str | None = Field(
        default=None,
        description="Bucket for task outputs (raw data). Empty: the metadata bucket. A separate one is advised.",
    )
    region: str | None = Field(
        default=None,
        pattern=r"^([a-z]{2}(-gov)?-[a-z]+-\d|<[A-Z][A-Z0-9_\-]*>)$",
        description="Bucket region (S3), e.g. us-east-1. Empty: the cloud account's region.",
    )
    endpoint: str | None = Field(
        default=None,
        description="S3-compatible only: the endpoint URL, e.g. http://minio.flyte.svc.cluster.local:9000.",
    )
    credentials: StorageCredentials = Field(
        default=StorageCredentials.WORKLOAD_IDENTITY,
        description="Workload identity (IAM / IRSA / GCP or Azure workload identity) or access keys in a Secret.",
    )
    access_key: SecretRef | None = Field(default=None, description="Access key ID (credentials: secret).")
    secret_key: SecretRef | None = Field(default=None, description="Secret access key (credentials: secret).")
    cache_max_size_mb: int = Field(default=0, ge=0, description="In-memory cache for metadata reads, MB (0 off).")

    @model_validator(mode="after")
    def _consistent(self) -> Storage:
        """Every problem at once: both buckets, the endpoint and the credentials."""
        errors: list[PydanticCustomError] = []
        buckets = [("metadata_bucket", self.metadata_bucket), ("raw_data_bucket", self.raw_data_bucket)]
        for path, bucket in buckets:
            if bucket is not None:
                try:
                    check_bucket(bucket, self.provider.value, path)
                except PydanticCustomError as error:
                    errors.append(error)
        if self.provider.takes_endpoint:
            if not self.endpoint:
                errors.append(
                    invalid(
                        "an S3-compatible store needs an endpoint",
                        "set storage.endpoint, e.g. http://minio.flyte.svc.cluster.local:9000",
                        "endpoint",
                    )
                )
            else:
                try:
                    check_https_url(self.endpoint, "endpoint URL", allow_http=True, path="endpoint")
                except PydanticCustomError as error:
                    errors.append(error)
        elif self.endpoint:
            errors.append(
                invalid(
                    f"storage.endpoint is only used with provider s3-compatible, not {self.provider.value}",
                    "remove storage.endpoint, or set provider: s3-compatible",
                    "endpoint",
                )
            )
        if self.credentials is StorageCredentials.SECRET and (self.access_key is None or self.secret_key is None):
            errors.append(
                invalid(
                    "credentials: secret needs both access_key and secret_key Secret references",
                    "set storage.access_key and storage.secret_key (name and key of the Secret)",
                    "credentials",
                )
            )
        raise_all(errors)
        return self

    @property
    def data_bucket(self) -> str:
        """The bucket task outputs go to."""
        return self.raw_data_bucket or self.metadata_bucket
