"""The live doctor's options are refused before any work, and a hanging object store costs one timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from flytekit_deploy.checks import doctor
from flytekit_deploy.checks.live_options import check_live_options
from flytekit_deploy.errors import UserInputError
from flytekit_deploy.presets import get_preset


@pytest.mark.parametrize(
    ("options", "path", "fix"),
    [
        ({"timeout": 0}, "--timeout", "above 0"),
        ({"timeout": -5}, "--timeout", "above 0"),
        ({"timeout": float("nan")}, "--timeout", "above 0"),
        ({"timeout": float("inf")}, "--timeout", "above 0"),
        ({"timeout": 1e9}, "--timeout", "at most"),
        ({"timeout": True}, "--timeout", "above 0"),
        ({"storage_endpoint": "ftp://x"}, "--storage-endpoint", "http(s) URL"),
        ({"storage_endpoint": "http://"}, "--storage-endpoint", "http(s) URL"),
        ({"storage_endpoint": "http://x:99999"}, "--storage-endpoint", "http(s) URL"),
        ({"storage_endpoint": "http://key:secret@x:9000"}, "--storage-endpoint", "remove them"),
        ({"db_port": 0}, "--db-port", "1 to 65535"),
        ({"db_host": "my db"}, "--db-host", "127.0.0.1"),
    ],
)
def test_bad_live_options_are_refused_before_any_work(options: dict[str, object], path: str, fix: str) -> None:
    with pytest.raises(UserInputError) as caught:
        doctor(get_preset("sandbox"), live=True, live_options=options)
    assert caught.value.problems[0].path == path
    assert fix in caught.value.problems[0].fix


def test_good_options_pass() -> None:
    options = {"timeout": 2.5, "db_host": "127.0.0.1", "db_port": 5432, "storage_endpoint": "http://127.0.0.1:9000"}
    assert check_live_options(options) == options


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


def test_a_hanging_object_store_costs_one_timeout(silent_server: int) -> None:
    pytest.importorskip("boto3")
    from flytekit_deploy.checks.live import probe_object_store

    probe_object_store("s3-compatible", [], f"http://127.0.0.1:{silent_server}", "us-east-1", "k", "s", 1)  # warm
    started = time.monotonic()
    found = probe_object_store(
        "s3-compatible", ["a-bucket", "b-bucket"], f"http://127.0.0.1:{silent_server}", "us-east-1", "k", "s", 2
    )
    elapsed = time.monotonic() - started
    assert [f.rule for f in found] == ["live.storage.unreachable"]
    assert elapsed < 2 * 1.5, f"{elapsed:.1f} s for a 2 s timeout"
