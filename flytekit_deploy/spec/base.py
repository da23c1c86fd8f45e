"""The base every spec section shares: strict (unknown keys are errors), assignment-validated, documented."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .validators import check_dns_label, check_quantity, is_placeholder

__all__ = ["SpecModel", "SecretRef", "secret_env_var", "Quantity", "DnsLabel", "Resources"]


class SpecModel(BaseModel):
    """Strict base: a typo in a spec file is an error with the nearest field name, never silently ignored."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=False,
        populate_by_name=True,
    )


Quantity = Annotated[str, AfterValidator(check_quantity)]
DnsLabel = Annotated[str, AfterValidator(check_dns_label)]


def secret_env_var(name: str, key: str) -> str:
    """The environment variable that carries one Secret value on the person's machine, ``<NAME>_<KEY>`` in upper
    case: the install script reads it to create the Secret, the live doctor to connect.

    >>> secret_env_var("db-pass", "pass.txt")
    'DB_PASS_PASS_TXT'
    """
    return re.sub(r"[^A-Z0-9]+", "_", f"{name}_{key}".upper()).strip("_")


class SecretRef(SpecModel):
    """A value kept in a Kubernetes Secret. ``value`` (inline) is accepted in the sandbox model only."""

    name: DnsLabel = Field(description="Name of the Kubernetes Secret, in the Flyte namespace.")
    key: str = Field(description="Key inside the Secret that holds the value.")
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
