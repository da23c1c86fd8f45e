"""End to end: the configurator notebook in a real JupyterLab, driven by Playwright in Debian's Chromium.

Run All, change the metadata bucket in the form, and watch the values pane (computed in the kernel) follow; the
autosave beside the notebook must hold the change too. Skipped, with the reason, where Chromium, Playwright or
JupyterLab is missing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "configurator.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"jupyter lab exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"jupyter lab did not answer within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """A JupyterLab on a free loopback port serving a copy of the notebooks; (base URL, token, root)."""
    if not JUPYTER.exists() or shutil.which("jupyter-lab", path=str(JUPYTER.parent)) is None:
        pytest.skip(f"JupyterLab is not installed beside {sys.executable} (pip install 'flytekit-deploy[jupyter]')")
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    dirs = {name: tmp_path / name for name in ("home", "config", "data", "runtime", "ipython")}
    for folder in dirs.values():
        folder.mkdir()
    # no news / update prompts over the notebook
    (dirs["config"] / "labconfig").mkdir()
    (dirs["config"] / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env = {
        **os.environ,
        "HOME": str(dirs["home"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "PATH": f"{JUPYTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # the kernel's `python` is this venv's
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
    }
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={root}",
                "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/api/status?token={token}", server, log)
        yield base, token, root
    finally:
        server.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session this test started, and nothing else
            server.wait(timeout=10)


def _accept_kernel_dialog(page) -> None:  # type: ignore[no-untyped-def]
    """JupyterLab may ask which kernel to start; the notebook's own (python3) is preselected."""
    select = page.locator(".jp-Dialog").get_by_role("button", name=re.compile(r"^Select"))
    try:
        select.wait_for(state="visible", timeout=5_000)
    except Exception:  # no dialog: the kernel started by itself
        return
    select.click()


def test_run_all_then_edit_a_field_updates_the_values_pane(lab: tuple[str, str, Path], browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, token, root = lab
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}")
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=60_000)
    _accept_kernel_dialog(page)
    expect(page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle"))).to_be_visible(timeout=60_000)

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    _accept_kernel_dialog(page)

    values = page.locator(".fd-pane-values")
    expect(values).to_contain_text("metadataContainer: my-s3-bucket", timeout=90_000)

    page.locator(".fd-configurator").get_by_text("Storage", exact=True).first.click()
    bucket = page.locator(".fd-path-storage-metadata_bucket input")
    bucket.wait_for(state="visible", timeout=10_000)
    bucket.fill("browser-test-bucket")
    expect(values).to_contain_text("metadataContainer: browser-test-bucket", timeout=30_000)
    expect(page.locator(".fd-status")).to_contain_text("autosaved", timeout=10_000)

    # an invalid value: the message appears at the field and the pane keeps the last valid values
    bucket.fill("Not_A_Bucket")
    expect(page.locator(".fd-path-storage-metadata_bucket").locator("xpath=..")).to_contain_text(
        "not a valid", timeout=30_000
    )
    expect(values).to_contain_text("metadataContainer: browser-test-bucket")
    expect(page.locator(".fd-panes")).to_contain_text("Stale")

    autosave = root / "flyte-spec.autosave.yaml"
    assert autosave.is_file() and "browser-test-bucket" in autosave.read_text()
    assert errors == [], errors
    page.close()
