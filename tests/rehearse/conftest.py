"""Rehearsal servers, started once per session on loopback free ports and stopped at the end.

Each fixture skips with the install hint when its tool is absent (Azurite needs node and
``npm install --prefix .tools azurite@3``, which ``scripts/bootstrap.sh test`` runs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import pytest

from flytekit_deploy.rehearse import servers
from flytekit_deploy.rehearse.endpoints import Endpoints

T = TypeVar("T")
TIMINGS: dict[str, float] = {}
SKIPPED: dict[str, str] = {}  # server fixture -> why it is not running


def _serve(name: str, factory: Callable[[], AbstractContextManager[T]]) -> Iterator[T]:
    started = time.monotonic()
    try:
        manager = factory()
        value = manager.__enter__()
    except servers.ServerUnavailable as exc:
        pytest.skip(str(exc))
    TIMINGS[f"start {name}"] = time.monotonic() - started
    try:
        yield value
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def s3_emulator() -> Iterator[str]:
    yield from _serve("moto S3", servers.moto_s3)


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[str]:
    yield from _serve("gcp-storage-emulator", servers.gcs_emulator)


@pytest.fixture(scope="session")
def gce_metadata() -> Iterator[str]:
    yield from _serve("GKE metadata stand-in", servers.gce_metadata)


@pytest.fixture(scope="session")
def azurite(preset_renders: dict[str, Any]) -> Iterator[str]:
    """Azurite blob, knowing every storage account the presets' task pods name."""
    from flytekit_deploy.rehearse.storage import azure_accounts
    from flytekit_deploy.rehearse.task_env import task_pods

    accounts = set().union(*(azure_accounts(task_pods(render)) for _plan, render in preset_renders.values()))
    yield from _serve("Azurite", lambda: servers.azurite_blob(accounts or {"devstoreaccount1"}))


@pytest.fixture(scope="session")
def pg_tls() -> Iterator[servers.PgTls]:
    yield from _serve("PostgreSQL (TLS)", servers.postgres_tls)


@pytest.fixture(scope="session")
def connector_address() -> Iterator[str]:
    yield from _serve("flytekit connector server", servers.connector_server)


@pytest.fixture(scope="session")
def storage_endpoints(request: pytest.FixtureRequest) -> Endpoints:
    """The storage servers that could start here; a missing one leaves its scheme unrehearsed (skipped)."""
    found: dict[str, str | None] = {}
    for fixture in ("s3_emulator", "azurite", "gcs_emulator", "gce_metadata"):
        try:
            found[fixture] = request.getfixturevalue(fixture)
        except pytest.skip.Exception as exc:
            SKIPPED[fixture] = str(exc)
            found[fixture] = None
    return Endpoints(s3=found["s3_emulator"], azurite_blob=found["azurite"], gcs=found["gcs_emulator"],
                     gce_metadata=found["gce_metadata"], closed_port=servers.free_port())  # fmt: skip


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.write_line("rehearsal timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in TIMINGS.items()))
