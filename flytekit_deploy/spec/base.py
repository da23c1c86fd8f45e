"""The base every spec section shares: strict (unknown keys are errors), assignment-validated, documented."""

from __future__ import annotations

import re
import types
import typing
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .validators import (
    check_dns_label,
    check_image_tag,
    check_k8s_name,
    check_kube_context,
    check_quantity,
    check_secret_key,
    invalid,
    is_placeholder,
)

__all__ = [
    "SpecModel",
    "SecretRef",
    "secret_env_var",
    "Quantity",
    "DnsLabel",
    "KubeContext",
    "K8sName",
    "ImageTag",
    "Resources",
]


def _numeric(annotation: Any) -> bool:
    """True for int / float fields (also optional ones), where ``true`` must not pass as 1."""
    if annotation in (int, float):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_numeric(arg) for arg in typing.get_args(annotation))
    if origin is Annotated:
        return _numeric(typing.get_args(annotation)[0])
    return False


class SpecModel(BaseModel):
    """Strict base: a typo in a spec file is an error with the nearest field name, never silently ignored."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=False,
        populate_by_name=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """``replicas: true`` is a typo, not 1: booleans are refused where a number is expected."""
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(value, bool) and field is not None and _numeric(field.annotation):
            raise invalid(f"{value} is a boolean, not a number", "write a number, e.g. 1")
        return value


Quantity = Annotated[str, AfterValidator(check_quantity)]
DnsLabel = Annotated[str, AfterValidator(check_dns_label)]
KubeContext = Annotated[str, AfterValidator(check_kube_context)]
K8sName = Annotated[str, AfterValidator(check_k8s_name)]
ImageTag = Annotated[str, AfterValidator(check_image_tag)]
SecretKey = Annotated[str, AfterValidator(check_secret_key)]


def secret_env_var(name: str, key: str) -> str:
    """The environment variable that carries one Secret value on the person's machine, ``<NAME>_<KEY>`` in upper
    case: the install script reads it to create the Secret, the live doctor to connect.

    >>> secret_env_var("db-pass", "pass.txt")
    'DB_PASS_PASS_TXT'
    >>> secret_env_var("1password", "token")
    '_1PASSWORD_TOKEN'
    """
    name = re.sub(r"[^A-Z0-9]+", "_", f"{name}_{key}".upper()).strip("_")
    return f"_{name}" if name[:1].isdigit() else name  # a shell variable cannot start with a digit


class SecretRef(SpecModel):
    """A value kept in a Kubernetes Secret. ``value`` (inline) is accepted in the sandbox model only."""

    name: DnsLabel = Field(description="Name of the Kubernetes Secret, in the Flyte namespace.")
    key: SecretKey = Field(description="Key inside the Secret that holds the value.")
    value: str | None = Field(
        default=None,
        description="Inline value. Sandbox only: anywhere else it would land in a values file in plain text.",
        json_schema_extra={"secret": True},
    )

    @property
    def env_var(self) -> str:
        return secret_env_var(self.name, self.key)

    @property
    def is_inline(self) -> bool:
        return self.value is not None and not is_placeholder(self.value)


class Resources(SpecModel):
    """Requests and limits of one container; empty means the chart's defaults."""

    cpu_request: Quantity | None = Field(default=None, title="CPU request")
    memory_request: Quantity | None = Field(default=None, title="Memory request")
    cpu_limit: Quantity | None = Field(default=None, title="CPU limit")
    memory_limit: Quantity | None = Field(default=None, title="Memory limit")
    ephemeral_storage: Quantity | None = Field(
        default=None, title="Ephemeral storage", description="Set as both request and limit."
    )

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())
