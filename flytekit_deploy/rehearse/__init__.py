"""Rehearsals: what Flyte's clients and task pods would do with a plan, run against real-protocol servers on loopback.

Every input is taken from the plan's rendered objects (:mod:`.flyte_config`, :mod:`.task_env`); the servers
(:mod:`.servers`) stand in for the cloud. :func:`run_rehearsals` is the entry point for ``doctor --rehearse``.
"""

from .endpoints import Endpoints
from .run import REHEARSALS, rehearse_plans, run_rehearsals
from .session import RehearsalServers, serve

__all__ = ["Endpoints", "REHEARSALS", "RehearsalServers", "rehearse_plans", "run_rehearsals", "serve"]
