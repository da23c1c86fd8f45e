"""S3 and S3-compatible stores (AWS's S3, MinIO, Ceph...): one protocol, so one class; the on-prem cloud owns the
S3-compatible one and AWS the real S3."""

from __future__ import annotations

from typing import Any

from ..spec import DeploymentSpec, StorageCredentials, StorageProvider
from ..values_read import placeholder_or
from .base import BinaryStorage, StoreFacts, TaskAccess, ValuesReader

__all__ = ["S3Store", "s3_region", "env_secret_refs", "S3_TASK_ACCESS"]

S3_TASK_ACCESS = TaskAccess(
    schemes=("s3",),
    config_kinds=("s3", "minio"),
    emulator="moto-s3",
    endpoint_env="FLYTE_AWS_ENDPOINT",
    own_endpoint_host="amazonaws.com",
    key_env=("FLYTE_AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    credentials_fix="an IAM role (IRSA annotation on the project service account) or "
    "FLYTE_AWS_ACCESS_KEY_ID / FLYTE_AWS_SECRET_ACCESS_KEY from a Secret",
)
"""flytekit's S3 data layer (s3fs): keys from FLYTE_AWS_* (or the AWS SDK chain), FLYTE_AWS_ENDPOINT for a store
that is not AWS S3."""

_ACCESS_KEY = {"name": "flyte-storage", "key": "access-key-id"}
_SECRET_KEY = {"name": "flyte-storage", "key": "secret-access-key"}
_AUTH_TYPES = {"iam": "workload-identity", "accesskey": "secret"}


def env_secret_refs(env: Any) -> dict[str, dict[str, str]]:
    """``deployment.extraEnvVars`` entries read from Secrets: variable name -> {name, key} of the Secret."""
    found: dict[str, dict[str, str]] = {}
    for item in env if isinstance(env, list) else []:
        ref = item.get("valueFrom", {}).get("secretKeyRef") if isinstance(item, dict) else None
        if isinstance(ref, dict) and ref.get("name") and ref.get("key"):
            found[str(item.get("name"))] = {"name": str(ref["name"]), "key": str(ref["key"])}
    return found


def s3_region(spec: DeploymentSpec) -> str:
    """The bucket region flyte-core's S3 client signs for: the store's, the account's, else us-east-1."""
    if spec.storage.region:
        return spec.storage.region
    return spec.aws.region if spec.aws else "us-east-1"


class S3Store:
    """S3 (``compatible=False``, reached by IRSA or keys) or an S3-compatible endpoint (always keys)."""

    scheme = "s3"
    task_access = S3_TASK_ACCESS
    key_variables = (
        ("access_key", "AWS_ACCESS_KEY_ID", "FLYTE_AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY", "FLYTE_AWS_SECRET_ACCESS_KEY"),
    )
    """The AWS SDK (Flyte's stow and boto) reads AWS_*; flytekit's S3 data layer reads FLYTE_AWS_*."""

    def __init__(self, provider: StorageProvider, label: str, compatible: bool) -> None:
        self.provider = provider
        self.label = label
        self.compatible = compatible
        self.signs_for_region = not compatible
        self.keys_ignored: tuple[str, str] | None = None
        self.s3_api = True
        self.takes_endpoint = compatible
        self.takes_region = True

    def check_by_hand(self, buckets: list[str], account: str | None) -> tuple[str, str]:
        return "; ".join(f"`aws s3 ls s3://{b}`" for b in buckets), "boto3"

    def raw_output_prefix(self, spec: DeploymentSpec) -> str:
        return f"s3://{spec.storage.data_bucket}/"

    def binary_storage(self, spec: DeploymentSpec, keys: tuple[str, str] | None) -> BinaryStorage:
        store = spec.storage
        keyed = store.credentials is StorageCredentials.SECRET
        region = store.region or (spec.aws.region if spec.aws else None)
        s3: dict[str, Any] = {"region": region or ("us-east-1" if store.endpoint else "<AWS_REGION>")}
        if store.endpoint:
            s3["endpoint"] = store.endpoint
            s3["disableSSL"] = store.endpoint.startswith("http://")
        from_secret = False
        if keyed and keys is not None:
            s3.update({"authType": "accesskey", "accessKey": keys[0], "secretKey": keys[1]})
        else:
            # authType accesskey makes the chart demand the keys inline; with iam the AWS SDK's default chain
            # reads them from the environment, which the Secret fills.
            s3["authType"] = "iam"
            from_secret = keyed
        comment = f"{store.provider.value} buckets; " + (
            "keys from a Secret" if keyed else f"access through the pod's {spec.identity_mode.value} identity"
        )
        return BinaryStorage("s3", {"s3": s3}, comment, keys_from_secret=from_secret)

    def core_native(self, spec: DeploymentSpec) -> tuple[dict[str, Any], str] | None:
        if self.compatible:
            return None
        return {"type": "s3", "s3": {"region": s3_region(spec), "authType": "iam"}}, (
            "S3 through the pods' IAM role (IRSA): no keys anywhere"
        )

    def stow(self, spec: DeploymentSpec, keyed: bool, with_keys: bool) -> dict[str, Any]:
        store = spec.storage
        config: dict[str, Any] = {"auth_type": "accesskey" if keyed else "iam", "region": s3_region(spec)}
        if with_keys:
            config["access_key_id"] = store.access_key.value if store.access_key else None
            config["secret_key"] = store.secret_key.value if store.secret_key else None
        if store.endpoint:
            config["endpoint"] = store.endpoint
            config["disable_ssl"] = store.endpoint.startswith("http://")
        return {"type": "stow", "container": store.metadata_bucket, "stow": {"kind": "s3", "config": config}}

    def core_remote_data(self) -> dict[str, Any] | None:
        return None

    def task_pod_env(self, spec: DeploymentSpec, inline: bool) -> list[dict[str, str]]:
        store = spec.storage
        env: list[dict[str, str]] = []
        if self.compatible and store.endpoint:
            env.append({"FLYTE_AWS_ENDPOINT": store.endpoint})
            if inline and store.access_key is not None and store.secret_key is not None:
                env.append({"FLYTE_AWS_ACCESS_KEY_ID": str(store.access_key.value)})
                env.append({"FLYTE_AWS_SECRET_ACCESS_KEY": str(store.secret_key.value)})
        return env

    def recognises(self, facts: StoreFacts) -> bool:
        if facts.kind == SANDBOX_TYPE:  # flyte-core's own storage type for flyte-deps' MinIO
            return self.compatible
        if facts.kind == "s3":
            return bool(facts.endpoint) is self.compatible
        return self.compatible and facts.kind == "custom" and facts.stow_kind == "s3" and bool(facts.endpoint)

    def read_binary(self, r: ValuesReader, base: str) -> None:
        s3 = f"{base}.providerConfig.s3"
        auth_type = r.peek(f"{s3}.authType", "iam")
        if self.compatible:
            r.put("storage.provider", self.provider.value)
            r.put("storage.endpoint", r.take(f"{s3}.endpoint"))
            r.put("storage.credentials", "secret")  # an S3-compatible store always takes keys
            refs = env_secret_refs(r.peek("deployment.extraEnvVars"))
            r.put("storage.access_key", refs.get("AWS_ACCESS_KEY_ID", _ACCESS_KEY))
            r.put("storage.secret_key", refs.get("AWS_SECRET_ACCESS_KEY", _SECRET_KEY))
            auth_type = None
        else:
            r.put("storage.provider", self.provider.value)
            region = r.take(f"{s3}.region")
            r.put("storage.region", placeholder_or(region, "<AWS_REGION>") if region else None)
        if auth_type in _AUTH_TYPES:
            r.take(f"{s3}.authType")
            r.put("storage.credentials", _AUTH_TYPES[auth_type])
        if auth_type == "accesskey":
            r.notes.append(
                "configuration.storage.providerConfig.s3 accessKey/secretKey are kept verbatim: the spec takes keys "
                "from a Secret (storage.access_key / storage.secret_key) — move them there"
            )
            r.put("storage.access_key", _ACCESS_KEY)
            r.put("storage.secret_key", _SECRET_KEY)

    def read_core(self, r: ValuesReader) -> None:
        if r.peek("storage.type") == SANDBOX_TYPE:
            _read_core_sandbox(r, self.provider.value)
            return
        if r.peek("storage.type") != "s3":  # stow with an endpoint
            r.take("storage.custom.stow.kind")
            r.put("storage.provider", self.provider.value)
            r.put("storage.endpoint", r.take("storage.custom.stow.config.endpoint"))
            r.put("storage.credentials", "secret")
            r.put("storage.access_key", dict(_ACCESS_KEY))
            r.put("storage.secret_key", dict(_SECRET_KEY))
            return
        if self.compatible:
            r.put("storage.provider", self.provider.value)
            r.put("storage.endpoint", r.take("storage.s3.endpoint"))
        else:
            r.put("storage.provider", self.provider.value)
            region = r.take("storage.s3.region")
            r.put("storage.region", placeholder_or(region, "<AWS_REGION>") if region else None)
            if region:
                r.put_setting("aws.region", placeholder_or(region, "<AWS_REGION>"))
        auth_type = r.peek("storage.s3.authType", "iam")
        if auth_type == "iam":
            r.put("storage.credentials", "workload-identity")
        elif auth_type == "accesskey":
            r.take("storage.s3.authType")
            r.put("storage.credentials", "secret")
            r.put("storage.access_key", dict(_ACCESS_KEY))
            r.put("storage.secret_key", dict(_SECRET_KEY))
            r.notes.append("storage.s3 accessKey/secretKey are kept verbatim: move them to a Secret")


SANDBOX_TYPE = "sandbox"
SANDBOX_MINIO = "http://minio.flyte.svc.cluster.local:9000"
"""What flyte-core's ``storage.type: sandbox`` writes (the release namespace in the host; ``flyte`` assumed)."""


def _read_core_sandbox(r: ValuesReader, provider: str) -> None:
    """flyte-core's sandbox storage type hard-codes flyte-deps' MinIO and its keys in the chart's template: the
    file says none of it, so each value filled in is reported."""
    r.take("storage.type")
    filled = {
        "storage.provider": provider,
        "storage.endpoint": SANDBOX_MINIO,
        "storage.credentials": "secret",
        "storage.access_key": {"name": "minio", "key": "root-user", "value": "minio"},
        "storage.secret_key": {"name": "minio", "key": "root-password", "value": "miniostorage"},
    }
    for path, value in filled.items():
        r.put(path, value)
    r.notes.append(
        "storage.type sandbox: the chart's template points at flyte-deps' MinIO with fixed keys, which the file does "
        f"not say; filled in: storage.endpoint {SANDBOX_MINIO} (release namespace flyte assumed), "
        "storage.access_key/secret_key minio/miniostorage (the sandbox's own)"
    )
