"""Format rules for names the cloud providers and Kubernetes enforce, shared by the spec models.

A value written as a placeholder, ``<LIKE_THIS>`` (upper case, digits, '_' and '-'), passes every format rule:
presets ship with placeholders and the plan lists those still to fill, so a half-filled spec still emits
reviewable values. A lower-case ``<flyte>`` is no placeholder: it is checked like any value (and refused where a
name is expected), so it can never become a shell redirection.

Rules that span fields collect every problem and raise them together (:class:`Problems`), so one run reports all.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pydantic_core import PydanticCustomError

__all__ = [
    "PLACEHOLDER",
    "is_placeholder",
    "has_placeholder",
    "invalid",
    "check_dns_label",
    "check_hostname",
    "check_quantity",
    "check_bucket",
    "check_iam_role_arn",
    "check_gcp_service_account",
    "check_uuid",
    "check_https_url",
    "check_duration",
    "check_chart_version",
    "check_kube_context",
    "check_secret_key",
    "check_cluster_name",
    "check_acm_arn",
    "check_no_credentials_in_url",
    "check_identity",
    "secret_like_key",
    "Problems",
    "raise_all",
    "check_k8s_name",
    "check_image_tag",
]

PLACEHOLDER = re.compile(r"^<[A-Z][A-Z0-9_\-]*>$")
_PLACEHOLDER_IN_TEXT = re.compile(r"<[A-Z][A-Z0-9_\-]*>")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_QUANTITY = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_ANY_ARN = re.compile(r"^arn:aws(-[a-z]+)*:(?P<service>[a-z0-9-]+):")
_ACM_ARN = re.compile(r"^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:certificate/[0-9a-f-]{36}$")
_GSA = re.compile(
    r"^([a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com"
    r"|\d+-compute@developer\.gserviceaccount\.com)$"
)
_CHART_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
_KUBE_CONTEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@+=-]{0,252}$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_CLUSTER_NAMES: dict[str, tuple[re.Pattern[str], str]] = {
    "aws": (re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$"), "EKS cluster names: 1-100 letters, digits, '-' and '_'"),
    "gcp": (re.compile(r"^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$"), "GKE cluster names: 1-40 lowercase letters, digits, '-'"),
    "azure": (
        re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$"),
        "AKS cluster names: 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit",
    ),
    "on-prem": (
        re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,98}[A-Za-z0-9])?$"),
        "1-100 letters, digits, '.', '-' and '_', starting and ending with a letter or digit",
    ),
}
_SECRET_WORDS = frozenset(
    {
        *("password", "passwd", "pass", "secret", "clientsecret", "oidcclientsecret", "credentials"),
        *("token", "accesstoken", "refreshtoken", "authtoken", "bearertoken", "apikey", "apitoken", "sastoken"),
        *("secretkey", "secretaccesskey", "awssecretaccesskey", "privatekey", "accountkey", "sharedkey"),
        *("storageaccountkey", "connectionstring"),
    }
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def is_placeholder(value: Any) -> bool:
    """True for a value still to fill in, written ``<SOMETHING>``."""
    return isinstance(value, str) and bool(PLACEHOLDER.match(value))


def has_placeholder(value: str) -> bool:
    """True when a placeholder stands inside the value (``arn:aws:iam::<ACCOUNT_ID>:role/flyte``): its format is
    checked once it is filled in; until then the plan lists it and install.sh refuses to run."""
    return bool(_PLACEHOLDER_IN_TEXT.search(value))


def invalid(message: str, fix: str, path: str = "") -> PydanticCustomError:
    """A validation error that carries its fix (and, for rules spanning sections, the field path it is about);
    :mod:`flytekit_deploy.spec.loading` shows them."""
    return PydanticCustomError("flytekit_deploy", "{message}", {"message": message, "fix": fix, "path": path})


def check_dns_label(value: str, what: str = "name") -> str:
    if is_placeholder(value):
        return value
    if len(value) > 63 or not _DNS_LABEL.match(value):
        raise invalid(
            f"{value!r} is not a valid Kubernetes {what}",
            "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        )
    return value


def check_hostname(value: str, public: bool = True) -> str:
    """A DNS name. ``public``: fully qualified (an Ingress host); else an in-cluster service name such as
    ``flyteadmin`` or ``flyteadmin.flyte.svc`` is fine too."""
    if is_placeholder(value):
        return value
    host = value.lower()
    labels = host.split(".")
    if ":" in host and not public:
        raise invalid(f"{value!r} holds a port", "write the host alone and the port in database.port")
    if len(host) > 253 or (public and len(labels) < 2) or not all(_HOST_LABEL.match(label) for label in labels):
        example = "flyte.example.com" if public else "postgres, postgres.flyte.svc or db.example.com"
        raise invalid(
            f"{value!r} is not a DNS host name",
            f"give a name such as {example}: letters, digits, '-' and '.', no spaces, no '_', no scheme, path or port",
        )
    return value


_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def check_k8s_name(value: str, what: str = "object name") -> str:
    """A Kubernetes object name (DNS subdomain: Secrets, ClusterIssuers, service accounts)."""
    if is_placeholder(value):
        return value
    if len(value) > 253 or not _K8S_NAME.match(value):
        raise invalid(
            f"{value!r} is not a valid Kubernetes {what}",
            "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
        )
    return value


def check_image_tag(value: str) -> str:
    if is_placeholder(value):
        return value
    if not _IMAGE_TAG.match(value):
        raise invalid(
            f"{value!r} is not a container image tag",
            "use at most 128 letters, digits, '_', '.' and '-', e.g. v1.16.8",
        )
    return value


def check_quantity(value: str | int | float) -> str:
    text = str(value)
    if is_placeholder(text):
        return text
    if not _QUANTITY.match(text):
        raise invalid(
            f"{text!r} is not a Kubernetes quantity",
            "write CPU as 500m or 2 and memory as 512Mi or 4Gi",
        )
    return text


def check_duration(value: str) -> str:
    if not _DURATION.match(value):
        raise invalid(f"{value!r} is not a duration", "write it like 30s, 1m or 1h30m")
    return value


def check_bucket(value: str, provider: str, path: str = "") -> str:
    """Bucket / container naming rules of each object store."""
    if is_placeholder(value):
        return value
    problems: list[str] = []
    if provider == "azure":
        if not 3 <= len(value) <= 63:
            problems.append("must be 3 to 63 characters")
        if not re.fullmatch(r"[a-z0-9-]+", value):
            problems.append("may hold only lowercase letters, digits and '-'")
        if value[:1] == "-" or value[-1:] == "-" or "--" in value:
            problems.append("must start and end with a letter or digit and have no '--'")
        fix = "Azure Blob container names: 3-63 lowercase letters, digits and single hyphens"
    else:
        limit = 222 if provider == "gcs" and "." in value else 63
        if not 3 <= len(value) <= limit:
            problems.append(f"must be 3 to {limit} characters")
        allowed = r"[a-z0-9._-]+" if provider == "gcs" else r"[a-z0-9.-]+"
        if not re.fullmatch(allowed, value):
            extra = ", '_'" if provider == "gcs" else ""
            problems.append(f"may hold only lowercase letters, digits, '.', '-'{extra}")
        if not (value[:1].isalnum() and value[-1:].isalnum()):
            problems.append("must start and end with a letter or digit")
        if ".." in value:
            problems.append("must not contain '..'")
        try:
            ipaddress.ip_address(value)
            problems.append("must not look like an IP address")
        except ValueError:
            pass
        if provider == "gcs" and value.startswith("goog"):
            problems.append("must not start with 'goog'")
        elif provider == "gcs" and "google" in value:
            problems.append("must not contain 'google'")
        if provider in ("s3", "s3-compatible") and (value.startswith("xn--") or value.endswith("-s3alias")):
            problems.append("must not start with 'xn--' or end with '-s3alias'")
        fix = {
            "gcs": "GCS bucket names: 3-63 lowercase letters, digits, '-', '_' and '.'",
        }.get(provider, "S3 bucket names: 3-63 lowercase letters, digits, '-' and '.'")
    if problems:
        raise invalid(f"{value!r} is not a valid {provider} bucket name: " + "; ".join(problems), fix, path)
    return value


def check_iam_role_arn(value: str, path: str = "") -> str:
    if has_placeholder(value) or "{{" in value:
        return value
    if not _ROLE_ARN.match(value):
        other = _ANY_ARN.match(value)
        what = f"an {other.group('service')} ARN, not an IAM role ARN" if other else "not an IAM role ARN"
        raise invalid(
            f"{value!r} is {what}",
            "use the ARN of the IAM role, of the form arn:aws:iam::123456789012:role/flyte-backend",
            path,
        )
    return value


def check_acm_arn(value: str, path: str = "") -> str:
    if has_placeholder(value):
        return value
    if not _ACM_ARN.match(value):
        raise invalid(
            f"{value!r} is not an ACM certificate ARN",
            "copy the ARN from ACM: arn:aws:acm:<REGION>:<ACCOUNT>:certificate/<ID>",
            path,
        )
    return value


def check_gcp_service_account(value: str, path: str = "") -> str:
    if has_placeholder(value):
        return value
    if not _GSA.match(value):
        raise invalid(
            f"{value!r} is not a Google service account email",
            "use the form flyte-backend@my-project.iam.gserviceaccount.com",
            path,
        )
    return value


def check_uuid(value: str, what: str = "client ID", path: str = "") -> str:
    if has_placeholder(value):
        return value
    if not _UUID.match(value):
        raise invalid(
            f"{value!r} is not an Azure {what}",
            "copy the GUID of the managed identity or app registration, e.g. 00000000-0000-0000-0000-000000000000",
            path,
        )
    return value


def check_identity(value: str, mode: str, path: str = "") -> str:
    """One cloud identity in the form its identity mode needs (IRSA: role ARN; GCP: service account email;
    Azure: managed identity client ID); anything goes with plain RBAC."""
    if mode == "irsa":
        return check_iam_role_arn(value, path)
    if mode == "gcp-workload-identity":
        return check_gcp_service_account(value, path)
    if mode == "azure-workload-identity":
        return check_uuid(value, "managed identity client ID", path)
    return value


def check_chart_version(value: str) -> str:
    if is_placeholder(value):
        return value
    if not _CHART_VERSION.match(value):
        raise invalid(
            f"{value!r} is not a chart version",
            "write a version such as v1.16.8 (digits and dots, optionally a -suffix)",
        )
    return value


def check_kube_context(value: str) -> str:
    if is_placeholder(value):
        return value
    if not _KUBE_CONTEXT.match(value):
        raise invalid(
            f"{value!r} is not a kubeconfig context name the kit accepts",
            "copy it from `kubectl config get-contexts -o name` (letters, digits and _ . : / @ + = -, no spaces)",
        )
    return value


def check_secret_key(value: str) -> str:
    if not _SECRET_KEY.match(value) or value in (".", ".."):
        raise invalid(
            f"{value!r} is not a valid key of a Kubernetes Secret",
            "use letters, digits, '-', '_' and '.' only (at most 253), e.g. pass.txt or client_secret",
        )
    return value


def check_cluster_name(value: str, environment: str, path: str = "") -> str:
    if is_placeholder(value):
        return value
    pattern, rule = _CLUSTER_NAMES.get(environment, _CLUSTER_NAMES["on-prem"])
    if not pattern.match(value):
        raise invalid(f"{value!r} is not a valid cluster name", rule, path)
    return value


def check_no_credentials_in_url(value: str, path: str = "") -> str:
    """A URL must not carry a user name and password (``https://user:pass@host``): it would land in values files
    and in every pod's configuration."""
    scheme, sep, rest = value.partition("://")
    authority = rest.split("/", 1)[0] if sep else ""
    if "@" in authority:
        raise invalid(
            "the URL carries credentials (user:password@): they would be written into values files",
            "remove them from the URL and put them in a Secret (for storage: credentials: secret with access_key "
            "and secret_key)",
            path,
        )
    return value


def secret_like_key(key: str) -> bool:
    """True for a key whose value is a credential (password, clientSecret, token, secretKey ...)."""
    return re.sub(r"[^a-z]", "", key.lower()) in _SECRET_WORDS


class Problems(ValueError):
    """Several problems found by one rule set (e.g. every cross-field contradiction of a spec): raised from a
    validator, unpacked by :mod:`flytekit_deploy.spec.loading` into one Problem each."""

    def __init__(self, errors: list[PydanticCustomError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in errors))


def raise_all(errors: list[PydanticCustomError]) -> None:
    """Raise the one error, or all of them together; nothing when the list is empty."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise Problems(errors)


def check_https_url(value: str, what: str = "URL", allow_http: bool = False, path: str = "") -> str:
    if is_placeholder(value) or (value.startswith("<") and has_placeholder(value)):
        return value
    check_no_credentials_in_url(value, path)
    schemes = ("https://", "http://") if allow_http else ("https://",)
    blank = any(ch.isspace() or not ch.isprintable() for ch in value)
    if blank or not value.startswith(schemes) or len(value.split("://", 1)[1]) == 0:
        raise invalid(
            f"{value!r} is not an {'http(s)' if allow_http else 'https'} {what}",
            f"write the full {what} starting with https://",
            path,
        )
    return value
