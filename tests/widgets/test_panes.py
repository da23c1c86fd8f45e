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


def test_the_diagram_can_be_fitted_zoomed_and_downloaded_full_size(configurator) -> None:  # type: ignore[no-untyped-def]
    import base64
    import re

    panes = configurator.panes
    configurator.wait_for_panes()
    svg = configurator.diagram_svg
    assert svg.startswith("<") and "<svg" in svg
    assert panes.diagram_zoom.value == "1" and "fd-fit" not in panes.diagram_svg._dom_classes
    panes.diagram_zoom.value = "fit"
    assert "fd-fit" in panes.diagram_svg._dom_classes and panes.diagram_svg.value == svg
    panes.diagram_zoom.value = "2"
    assert panes.diagram_svg.value.startswith('<div style="zoom:2">') and svg in panes.diagram_svg.value
    link = re.search(r'href="data:image/svg\+xml;base64,([^"]+)"', panes.diagram_download.value)
    assert link and base64.b64decode(link.group(1)).decode() == svg
