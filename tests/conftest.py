"""Shared test fixtures: where the upstream reference data lives, and skipping cleanly when it is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"  # beside the workplace clone only; tests reach it through the fixtures below
SHARED_REFERENCE = SHARED / "reference" / "flyte-v1.16.8"
SEED_PAGE = SHARED / "seed" / "000_7cc963a1d2440b2c.txt"


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """../shared/reference/flyte-v1.16.8, or a skip saying why (a clone outside the workplace has no ../shared)."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(
            f"upstream reference data not found at {SHARED_REFERENCE} (only present beside the workplace clone)"
        )
    return SHARED_REFERENCE


@pytest.fixture(scope="session")
def shared_seed_page() -> Path:
    """The seed page the wiki's chapters outline (../shared/seed), or a skip saying why."""
    if not SEED_PAGE.is_file():
        pytest.skip(f"the seed page is not at {SEED_PAGE} (it only exists beside the workplace clone)")
    return SEED_PAGE


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, one per session (Playwright's sync API allows one driver at a time)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium); playwright cannot download browsers here")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip('playwright is not installed (pip install "flytekit-deploy[browser]")')
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def prepared_charts(shared_reference: Path, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The upstream v1.16.8 charts prepared for an offline render (file:// deps vendored, remote deps stubbed),
    in a cache private to this test session."""
    from flytekit_deploy.checks.chart_source import prepare_charts

    cache = tmp_path_factory.mktemp("fkd-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("FLYTEKIT_DEPLOY_CACHE", str(cache))
    try:
        yield prepare_charts(shared_reference / "charts")
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def preset_renders(prepared_charts: object) -> dict[str, object]:
    """Every preset's plan rendered with a real Helm engine on the real charts, once per test session:
    preset name -> (Plan, PlanRender)."""
    from flytekit_deploy.checks.chart_source import find_helm
    from flytekit_deploy.checks.plan_render import render_plan
    from flytekit_deploy.plan import build_plan
    from flytekit_deploy.presets import get_preset, preset_names

    if find_helm() is None:
        try:
            import helm_python  # noqa: F401
        except ImportError:
            pytest.skip("no Helm engine: pip install 'flytekit-deploy[helm]' (helm binary or helm-python-sdk)")
    out: dict[str, object] = {}
    for name in preset_names():
        plan = build_plan(get_preset(name))
        out[name] = (plan, render_plan(plan, prepared_charts))  # type: ignore[arg-type]
    return out
