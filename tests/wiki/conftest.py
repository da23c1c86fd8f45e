"""Shared wiki fixtures: one cold build of the three fixture chapters per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
#: The cache key includes a hash of the whole package, which other work may edit while tests run; builds in
#: tests pin it so "unchanged" means unchanged notebooks.
PINNED_PACKAGE_HASH = "pinned-for-tests"


def copy_fixtures(target: Path) -> Path:
    """A private copy of the fixture notebooks (tests edit them; the originals stay clean)."""
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "downloads"))
    return target


@pytest.fixture
def fixture_copy():
    """The :func:`copy_fixtures` helper, as a fixture so test modules need not import conftest."""
    return copy_fixtures


@pytest.fixture(scope="session", autouse=True)
def private_diagram_cache(tmp_path_factory: pytest.TempPathFactory):
    """Builds in tests share one diagram cache of their own, not the user's: a "cold" build renders for real."""
    from flytekit_deploy.wiki.mermaid import SHARED_CACHE_ENV

    folder = tmp_path_factory.mktemp("shared-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SHARED_CACHE_ENV, str(folder))
        yield folder / "mermaid"


@pytest.fixture(scope="session")
def built_wiki(tmp_path_factory: pytest.TempPathFactory):
    """(notebooks folder, site folder, report) of a cold build of the fixtures."""
    from flytekit_deploy.wiki import build_site

    root = tmp_path_factory.mktemp("wiki")
    notebooks = copy_fixtures(root / "notebooks")
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("flytekit_deploy.wiki.build.package_fingerprint", lambda: PINNED_PACKAGE_HASH)
        report = build_site(notebooks, root / "site", jobs=2, progress=messages.append)
    return notebooks, root / "site", report, messages


@pytest.fixture
def pinned_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the package part of the cache key for one test (see :data:`PINNED_PACKAGE_HASH`)."""
    monkeypatch.setattr("flytekit_deploy.wiki.build.package_fingerprint", lambda: PINNED_PACKAGE_HASH)
