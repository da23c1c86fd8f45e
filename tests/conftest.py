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
