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
    bucket.fill("browser-test-bucket")
    expect(page.locator(".fd-panes")).not_to_contain_text("Stale", timeout=30_000)

    _help_is_visible(page)
    _diagram_labels_are_legible(page)
    _stale_zip_is_marked(page)
    _preset_switch_confirms_and_undoes(page)
    _sandbox_to_aws_resets_with_a_message(page)
    _contrast_holds_in_both_themes(page)
    _sections_open_from_the_keyboard(page)
    _invalid_arn_is_refused_at_its_field(page)
    assert errors == [], errors
    page.close()


SCREENSHOTS = REPO / "build" / "screenshots"
"""Light and dark screenshots for a person to look at (build/ is ignored by git)."""


def _help_is_visible(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    field = page.locator(".fd-path-storage-metadata_bucket").locator("xpath=..")
    help_line = field.locator(".fd-help")
    expect(help_line).to_be_visible()
    expect(help_line).to_contain_text("Wiki: 08-configuration")
    box = help_line.bounding_box()
    assert box is not None and box["height"] >= 10, box


def _diagram_labels_are_legible(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.locator(".fd-panes .lm-TabBar-tabLabel", has_text=re.compile(r"^Diagram$")).click()
    svg = page.locator(".fd-svg svg")
    expect(svg).to_be_visible(timeout=30_000)
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.fd-svg svg text')].map(t => t.getBoundingClientRect().height)"
        ".filter(h => h > 0))"
    )
    assert smallest >= 10, f"smallest diagram label is {smallest:.1f} px high at the default size"
    expect(page.locator(".fd-diagram-download a")).to_contain_text("full-size SVG")
    page.locator(".fd-panes .lm-TabBar-tabLabel", has_text=re.compile(r"^Values$")).click()


def _stale_zip_is_marked(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.get_by_role("button", name="Download zip").click()
    link = page.locator(".fd-zip-link")
    expect(link).to_contain_text("-plan.zip", timeout=30_000)
    expect(link).not_to_contain_text("out of date")
    page.locator(".fd-path-storage-metadata_bucket input").fill("changed-after-zip")
    expect(link).to_contain_text("out of date", timeout=30_000)


def _preset_switch_confirms_and_undoes(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    values = page.locator(".fd-pane-values")
    select = page.locator(".fd-preset select")
    labels = select.locator("option").all_text_contents()
    wanted = [i for i, text in enumerate(labels) if text.strip().startswith("eks-core")]
    assert wanted, labels
    select.select_option(index=wanted[0])
    page.get_by_role("button", name="Start from preset").click()
    confirm = page.locator(".fd-confirm")
    expect(confirm).to_be_visible(timeout=10_000)
    expect(values).to_contain_text("changed-after-zip")  # nothing replaced before the second click
    confirm.get_by_role("button", name="Replace").click()
    expect(values).to_contain_text("flyte-core", timeout=60_000)
    page.get_by_role("button", name="Undo").click()
    expect(values).to_contain_text("changed-after-zip", timeout=60_000)


def _sandbox_to_aws_resets_with_a_message(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.locator(".fd-path-environment select").select_option(label="aws")
    message = page.locator(".fd-action-message")
    expect(message).to_contain_text("Environment changed local → aws", timeout=60_000)
    expect(message).to_contain_text("storage.provider")


def _invalid_arn_is_refused_at_its_field(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    role = page.locator(".fd-path-identity-backend input")
    role.wait_for(state="visible", timeout=10_000)
    role.fill("arn:bad")
    expect(page.locator(".fd-path-identity-backend").locator("xpath=..")).to_contain_text("✖", timeout=30_000)
    role.fill("")


def _sections_open_from_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    header = page.locator("button.fd-section-header", has_text="Identity")
    header.focus()
    assert page.evaluate("document.activeElement.classList.contains('fd-section-header')")
    page.keyboard.press("Enter")
    expect(page.locator(".fd-path-identity-backend input")).to_be_visible(timeout=10_000)
    page.keyboard.press("Tab")  # Tab goes from a header to the next focusable thing in the form, not the panes
    assert page.evaluate("!!document.activeElement.closest('.fd-form-col')")


_CONTRAST_JS = """
() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (rgb) => { const [r, g, b] = rgb.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = (el) => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c; } return [255, 255, 255]; };
  const out = [];
  for (const sel of [".fd-pre", ".fd-help", ".fd-status div", ".fd-action-message pre", ".fd-muted", ".fd-error",
                     ".fd-warning", ".fd-ok", ".fd-banner"]) {
    for (const el of document.querySelectorAll(".fd-configurator " + sel)) {
      if (!el.offsetParent || !el.textContent.trim()) continue;
      const fg = lum(parse(getComputedStyle(el).color)), bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      out.push([sel, Math.round(ratio * 100) / 100, el.textContent.trim().slice(0, 40)]);
    }
  }
  return out;
}
"""


def _set_theme(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Settings$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{name}$")).click()
    page.wait_for_function(
        "(dark) => document.body.dataset.jpThemeLight === (dark ? 'false' : 'true')", arg="Dark" in name
    )
    page.wait_for_timeout(500)


def _contrast_holds_in_both_themes(page) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme, shot in (("JupyterLab Light", "configurator-light.png"), ("JupyterLab Dark", "configurator-dark.png")):
        _set_theme(page, theme)
        measured = page.evaluate(_CONTRAST_JS)
        assert measured, "no themed text found to measure"
        low = [m for m in measured if m[1] < 4.5]
        assert low == [], f"{theme}: contrast below 4.5:1: {low}"
        page.screenshot(path=str(SCREENSHOTS / shot), full_page=False)
