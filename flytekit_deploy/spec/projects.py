"""Projects, domains and per-domain quotas (cluster resource templates)."""

from __future__ import annotations

from pydantic import Field

from .base import DnsLabel, Quantity, SpecModel

__all__ = ["Quota", "Project", "Projects"]


class Quota(SpecModel):
    """A ResourceQuota for every project namespace of one domain."""

    cpu: Quantity | None = Field(default=None, description="Total CPU limit per project namespace.")
    memory: Quantity | None = Field(default=None, description="Total memory limit per project namespace.")
    gpu: Quantity | None = Field(default=None, description="Total nvidia.com/gpu per project namespace.")


class Project(SpecModel):
    name: DnsLabel = Field(description="Project ID.")
    description: str = Field(default="", description="Shown in the console.")


class Projects(SpecModel):
    domains: list[DnsLabel] = Field(
        default_factory=lambda: ["development", "staging", "production"], description="Domains, in order."
    )
    projects: list[Project] = Field(
        default_factory=lambda: [Project(name="flytesnacks", description="Flyte examples")],
        description="Projects registered at install time.",
    )
    quotas: dict[str, Quota] = Field(default_factory=dict, description="Per-domain quota, e.g. production: {cpu: 8}.")
