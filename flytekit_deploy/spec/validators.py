"""Format rules for names the cloud providers and Kubernetes enforce, shared by the spec models.

A value written as a placeholder, ``<LIKE_THIS>``, passes every format rule: presets ship with placeholders and
the plan lists those still to fill, so a half-filled spec still emits reviewable values.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pydantic_core import PydanticCustomError

__all__ = [
    "PLACEHOLDER",
    "is_placeholder",
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
]

PLACEHOLDER = re.compile(r"^<[A-Za-z0-9_.\-]+>$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_QUANTITY = re.compile(r"^[+]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_GSA = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def is_placeholder(value: Any) -> bool:
    """True for a value still to fill in, written ``<SOMETHING>``."""
    return isinstance(value, str) and bool(PLACEHOLDER.match(value))


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


def check_hostname(value: str) -> str:
    if is_placeholder(value):
        return value
    host = value.lower()
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise invalid(
            f"{value!r} is not a DNS host name",
            "give a fully qualified name such as flyte.example.com (no scheme, no path, no port)",
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


def check_iam_role_arn(value: str) -> str:
    if is_placeholder(value) or "{{" in value:
        return value
    if not _ROLE_ARN.match(value):
        raise invalid(
            f"{value!r} is not an IAM role ARN",
            "use the form arn:aws:iam::123456789012:role/flyte-backend",
        )
    return value


def check_gcp_service_account(value: str) -> str:
    if is_placeholder(value):
        return value
    if not _GSA.match(value):
        raise invalid(
            f"{value!r} is not a Google service account email",
            "use the form flyte-backend@my-project.iam.gserviceaccount.com",
        )
    return value


def check_uuid(value: str, what: str = "client ID") -> str:
    if is_placeholder(value):
        return value
    if not _UUID.match(value):
        raise invalid(
            f"{value!r} is not an Azure {what}",
            "copy the GUID of the managed identity or app registration, e.g. 00000000-0000-0000-0000-000000000000",
        )
    return value


def check_https_url(value: str, what: str = "URL", allow_http: bool = False, path: str = "") -> str:
    if is_placeholder(value):
        return value
    schemes = ("https://", "http://") if allow_http else ("https://",)
    if not value.startswith(schemes) or len(value.split("://", 1)[1]) == 0:
        raise invalid(
            f"{value!r} is not an {'http(s)' if allow_http else 'https'} {what}",
            f"write the full {what} starting with https://",
            path,
        )
    return value
