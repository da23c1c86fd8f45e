"""The debounced renderer: only the newest request lands, and waiting returns once it has."""

from __future__ import annotations

import threading
import time

from flytekit_deploy.widgets.panes import DebouncedRender


def test_only_the_newest_request_is_applied() -> None:
    applied: list[int] = []
    worked: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            worked.append(item)
        time.sleep(0.01)
        return item * 10

    renderer = DebouncedRender(0.05, work, lambda result, _seconds: applied.append(result))
    for item in range(5):
        renderer.request(item)
    assert renderer.wait(5)
    assert applied == [40] and worked == [4]


def test_a_request_during_a_render_supersedes_it() -> None:
    applied: list[int] = []
    started = threading.Event()

    def work(item: int) -> int:
        if item == 1:
            started.set()
            time.sleep(0.2)
        return item

    renderer = DebouncedRender(0.01, work, lambda result, _seconds: applied.append(result))
    renderer.request(1)
    assert started.wait(5)
    renderer.request(2)
    assert renderer.wait(5)
    time.sleep(0.25)  # let the superseded render finish: it must not land
    assert applied == [2]


def test_errors_are_applied_as_results() -> None:
    applied: list[object] = []

    def work(_item: int) -> int:
        raise RuntimeError("dot failed")

    renderer = DebouncedRender(0, work, lambda result, _seconds: applied.append(result))
    renderer.request(1)
    assert isinstance(applied[0], RuntimeError)
