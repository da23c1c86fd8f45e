"""Hardening rules: a production deployment whose pods would not pass Pod Security ``restricted``.

The spec hardens production by default (``hardening`` empty means restricted there); turning it off is allowed,
and this rule makes sure it is a decision, not an accident. The rendered pods themselves are checked by
:mod:`flytekit_deploy.checks.pod_security`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...charts.hardening import POSTRENDER_COMMAND
from ...spec import Hardening, Profile
from ..findings import Finding
from ._base import WARNING, Rule, RuleContext, finding

__all__ = ["RULES"]

CHAPTER = "security"


def off_in_production(ctx: RuleContext) -> Iterator[Finding]:
    """Production without hardening: clusters enforcing Pod Security ``restricted`` refuse the pods."""
    spec = ctx.spec
    if spec.profile is Profile.PRODUCTION and spec.hardening_level is Hardening.OFF:
        yield finding(
            WARNING,
            "hardening",
            "hardening is off in a production deployment: the charts' pods run without seccomp, with "
            "capabilities and (flyte-binary) as root, and a namespace enforcing Pod Security 'restricted' "
            "refuses them",
            f"set hardening: restricted (security contexts in the values, helm --post-renderer {POSTRENDER_COMMAND})"
            ", or keep it off only where the namespace enforces no Pod Security level",
            CHAPTER,
            "hardening.off-in-production",
        )


RULES: tuple[Rule, ...] = (off_in_production,)
