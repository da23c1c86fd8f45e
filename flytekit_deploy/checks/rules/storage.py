"""Storage rules: "storage access issues" (wrong bucket, region or credentials) found before installing.

Bucket naming is validated by the spec itself; these rules look at what the spec cannot reject alone: a region
the S3 client needs, credentials that do not fit the environment, placeholders still left.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...clouds import cloud_for, identity_of, store_of
from ...spec import (
    DeploymentSpec,
    Profile,
    StorageCredentials,
    is_placeholder,
)
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, cloud_chapter, finding

__all__ = ["RULES"]

CHAPTER = "external-dependencies"


def _identifier(spec: DeploymentSpec) -> str:
    identity = identity_of(spec)
    return identity.identifier if identity is not None else "identity"


def _home_chapter(spec: DeploymentSpec) -> str:
    """The wiki chapter of the cloud the store belongs to (the topic's chapter for a store of no cloud)."""
    home = spec.storage.provider.home
    chapter = cloud_for(home).chapter if home is not None else None
    return chapter or CHAPTER


def buckets(ctx: RuleContext) -> Iterator[Finding]:
    """Buckets still written as placeholders: every read and write of Flyte would fail."""
    store = ctx.spec.storage
    for field in ("metadata_bucket", "raw_data_bucket"):
        value = getattr(store, field)
        if value is not None and is_placeholder(value):
            yield finding(
                WARNING,
                f"storage.{field}",
                f"storage.{field} is still the placeholder {value}",
                f"create the bucket (container on Azure) and set storage.{field} to its name",
                CHAPTER,
                "storage.bucket-placeholder",
            )


def region(ctx: RuleContext) -> Iterator[Finding]:
    """The S3 client signs requests for one region; a wrong or missing one is an access error at first write."""
    spec = ctx.spec
    store = spec.storage
    if not store_of(spec).signs_for_region:
        return
    chapter = _home_chapter(spec)
    account_region = spec.aws.region if spec.aws is not None else None
    effective = store.region or account_region
    if effective is None:
        yield finding(
            ERROR,
            "storage.region",
            f"S3 storage with the environment {spec.environment.value} has no region: there is no AWS account "
            "section to take it from",
            "set storage.region to the bucket's region, e.g. us-east-1",
            CHAPTER,
            "storage.region",
        )
    elif is_placeholder(effective):
        yield finding(
            WARNING,
            "storage.region" if store.region else "aws.region",
            f"the bucket region is still the placeholder {effective}",
            "set storage.region (or aws.region) to the bucket's region, e.g. us-east-1",
            chapter,
            "storage.region-placeholder",
        )
    elif store.region and account_region and not is_placeholder(account_region) and store.region != account_region:
        yield finding(
            INFO,
            "storage.region",
            f"the bucket is in {store.region}, the cluster in {account_region}: cross-region traffic costs and "
            "adds latency to every task",
            "keep the buckets in the cluster's region unless you need otherwise",
            chapter,
            "storage.region",
        )


def credentials(ctx: RuleContext) -> Iterator[Finding]:
    """How pods authenticate must fit both the store and the environment."""
    spec = ctx.spec
    store = spec.storage
    home = store.provider.home
    ignored = store_of(spec).keys_ignored
    if ignored is not None and store.credentials is StorageCredentials.SECRET:
        yield finding(ERROR, "storage.credentials", ignored[0], ignored[1], _home_chapter(spec), "storage.credentials")
    elif home is not None and home is not spec.environment and store.credentials is StorageCredentials.SECRET:
        yield finding(
            INFO,
            "storage.provider",
            f"{store.provider.value} storage from the {spec.environment.value} environment: access keys work, but "
            "every byte of task data crosses clouds",
            "prefer the environment's own object store",
            CHAPTER,
            "storage.cross-cloud",
        )
    elif home is spec.environment and store.credentials is StorageCredentials.SECRET:
        yield finding(
            WARNING,
            "storage.credentials",
            f"long-lived access keys for {store.provider.value} on {spec.environment.value}: they must be rotated "
            "by hand and leak with any pod that can read the Secret",
            f"use credentials: workload-identity ({spec.identity_mode.value}) with identity.backend and "
            "identity.tasks set",
            cloud_chapter(spec, CHAPTER),
            "storage.static-keys",
        )
    if store.credentials is StorageCredentials.WORKLOAD_IDENTITY and identity_of(spec) is not None:
        for field, who in (("backend", "the Flyte backend"), ("tasks", "task pods")):
            value = getattr(spec.identity, field)
            if value is None:
                yield finding(
                    WARNING,
                    f"identity.{field}",
                    f"storage uses workload identity, but identity.{field} is empty: {who} run without a cloud "
                    "identity and every bucket access is denied",
                    f"set identity.{field} to the " + _identifier(spec) + " that may read and write the buckets",
                    cloud_chapter(spec, "security"),
                    "storage.identity-missing",
                )
            elif is_placeholder(value):
                yield finding(
                    WARNING,
                    f"identity.{field}",
                    f"identity.{field} is still the placeholder {value}: {who} get no access to the buckets",
                    f"set identity.{field}",
                    cloud_chapter(spec, "security"),
                    "storage.identity-placeholder",
                )


def raw_data_bucket(ctx: RuleContext) -> Iterator[Finding]:
    """Task outputs in the metadata bucket work, but share its lifecycle rules and permissions."""
    spec = ctx.spec
    store = spec.storage
    if spec.is_sandbox or (store.raw_data_bucket is not None and store.raw_data_bucket != store.metadata_bucket):
        return
    production = spec.profile is Profile.PRODUCTION
    yield finding(
        WARNING if production else INFO,
        "storage.raw_data_bucket",
        "task outputs (raw data) go to the metadata bucket: one set of permissions and lifecycle rules for both, "
        "and user data cannot be expired without touching Flyte's metadata",
        "create a second bucket and set storage.raw_data_bucket",
        CHAPTER,
        "storage.raw-data-bucket",
    )


def s3_compatible(ctx: RuleContext) -> Iterator[Finding]:
    """A plain-http endpoint outside the sandbox sends access keys and data unencrypted."""
    spec = ctx.spec
    store = spec.storage
    endpoint = store.endpoint or ""
    if store_of(spec).takes_endpoint and endpoint.startswith("http://") and not spec.is_sandbox:
        in_cluster = ".svc" in endpoint or endpoint.split("://", 1)[1].split("/")[0].split(":")[0].count(".") == 0
        if not in_cluster:
            yield finding(
                WARNING,
                "storage.endpoint",
                f"the object store endpoint {endpoint} is plain http outside the cluster: keys and data travel "
                "unencrypted",
                "use the https endpoint of the store",
                CHAPTER,
                "storage.endpoint-http",
            )


RULES: tuple[Rule, ...] = (buckets, region, credentials, raw_data_bucket, s3_compatible)
