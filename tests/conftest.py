"""Shared test fixtures: where the upstream reference data lives, and skipping cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "flyte-v1.16.8"


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    """../shared/reference/flyte-v1.16.8, or a skip saying why (a clone outside the workplace has no ../shared)."""
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"upstream reference data not found at {SHARED_REFERENCE} (only present beside the workplace clone)")
    return SHARED_REFERENCE
