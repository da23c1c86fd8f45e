"""The wiki's chapters: they cover the deployment page the project grew from, are committed without outputs, stay
thin (calls of the public API only), link to each other correctly, and run.

The seed page (``../shared/seed``) is an outline: every ``##``/``###`` section of it must map to a chapter below, and
that chapter must carry a heading naming the same thing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO_ROOT / "notebooks"

CHAPTERS = [
    "00-your-deployment.ipynb",
    "01-architecture.ipynb",
    "02-deployment-options.ipynb",
    "03-helm-deployment.ipynb",
    "04-sandbox.ipynb",
    "05-aws.ipynb",
    "06-gcp.ipynb",
    "07-azure.ipynb",
    "08-configuration.ipynb",
    "09-security.ipynb",
    "10-monitoring.ipynb",
    "11-troubleshooting.ipynb",
    "12-multi-cluster.ipynb",
    "13-external-dependencies.ipynb",
    "14-configurator.ipynb",
]
"""The chapters, in reading order."""

SEED_SECTIONS: dict[str, str] = {
    "Deployment Architecture": "01-architecture.ipynb",
    "Component Overview": "01-architecture.ipynb",
    "Deployment Options": "02-deployment-options.ipynb",
    "Deployment Models": "02-deployment-options.ipynb",
    "Environment-specific Configurations": "02-deployment-options.ipynb",
    "Helm-based Deployment": "03-helm-deployment.ipynb",
    "Helm Chart Structure": "03-helm-deployment.ipynb",
    "Deployment Steps": "03-helm-deployment.ipynb",
    "Sandbox/Local Deployment": "04-sandbox.ipynb",
    "AWS/EKS Deployment": "05-aws.ipynb",
    "GCP/GKE Deployment": "06-gcp.ipynb",
    "Configuration Options": "08-configuration.ipynb",
    "Core Configuration Parameters": "08-configuration.ipynb",
    "Component-specific Configuration": "08-configuration.ipynb",
    "Security Configurations": "09-security.ipynb",
    "Authentication and Authorization": "09-security.ipynb",
    "Service Account Management": "09-security.ipynb",
    "Monitoring and Observability": "10-monitoring.ipynb",
    "Prometheus Metrics": "10-monitoring.ipynb",
    "Logging": "10-monitoring.ipynb",
    "Troubleshooting Deployment Issues": "11-troubleshooting.ipynb",
    "Advanced Deployment Scenarios": "12-multi-cluster.ipynb",
    "Multi-cluster Deployment": "12-multi-cluster.ipynb",
    "External Dependencies Configuration": "13-external-dependencies.ipynb",
    "Conclusion": "14-configurator.ipynb",
}
"""Seed heading -> the chapter that covers it."""

BEYOND_SEED: dict[str, str] = {
    "Azure/AKS Deployment": "07-azure.ipynb",
    "Ingress": "03-helm-deployment.ipynb",
    "Hybrid": "12-multi-cluster.ipynb",
}
"""Sections the seed lists without a section of their own (Azure is in its environment diagram only)."""

ENVIRONMENT_CHAPTERS: dict[str, tuple[str, ...]] = {
    "04-sandbox.ipynb": ("sandbox", "sandbox-core"),
    "05-aws.ipynb": ("eks-starter", "eks-core"),
    "06-gcp.ipynb": ("gke-starter", "gke-production"),
    "07-azure.ipynb": ("aks-starter", "aks-production"),
    "12-multi-cluster.ipynb": ("eks-multicluster",),
}
"""Environment chapter -> the presets whose values, commands, Secrets and downloads it must show."""

_STOPWORDS = {"and", "the", "of", "a", "for"}
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_RAW_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_\-]*>")
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_FENCE = re.compile(r"^(```+|~~~+).*?^\1", re.DOTALL | re.MULTILINE)
_ALLOWED_IMPORTS = {
    "from flytekit_deploy import reference as ref",
    "from flytekit_deploy.diagrams.views import diagram",
    "from flytekit_deploy.presets import get_preset",
    "from flytekit_deploy.widgets import Configurator",
}


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return data


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _markdown(name: str) -> list[str]:
    return [_source(c) for c in _load(name)["cells"] if c["cell_type"] == "markdown"]


def _code(name: str) -> list[str]:
    return [_source(c) for c in _load(name)["cells"] if c["cell_type"] == "code"]


def _headings(name: str) -> list[str]:
    found: list[str] = []
    for text in _markdown(name):
        prose = _FENCE.sub("", text)
        found += [m.group(2).strip() for m in re.finditer(r"^(#{1,4})\s+(.+)$", prose, re.MULTILINE)]
    return found


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and w not in _STOPWORDS}


def _seed_headings(seed: Path) -> list[str]:
    text = _FENCE.sub("", seed.read_text(encoding="utf-8"))
    return [m.group(1).strip() for m in re.finditer(r"^#{2,3}\s+(.+)$", text, re.MULTILINE)]


# ---- coverage -------------------------------------------------------------------------------------------------------


def test_the_chapters_exist_in_order() -> None:
    present = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert present == CHAPTERS


@pytest.mark.needs_shared
def test_every_seed_section_maps_to_a_chapter(shared_seed_page: Path) -> None:
    headings = _seed_headings(shared_seed_page)
    assert headings, "no ##/### section found in the seed"
    missing = [h for h in headings if h not in SEED_SECTIONS]
    assert not missing, f"seed sections without a chapter: {missing}"
    stale = [h for h in SEED_SECTIONS if h not in headings]
    assert not stale, f"mapped sections no longer in the seed: {stale}"


@pytest.mark.parametrize(("section", "chapter"), sorted({**SEED_SECTIONS, **BEYOND_SEED}.items()))
def test_the_chapter_has_a_heading_covering_the_section(section: str, chapter: str) -> None:
    wanted = _words(section)
    headings = _headings(chapter)
    assert any(wanted <= _words(h) for h in headings), f"{chapter} has no heading about {section!r}: {headings}"


HAND_TABLE_EXEMPTIONS: dict[tuple[str, str], str] = {}
"""(chapter, the table's header line) -> why that table is typed by hand. Empty: every table is computed."""

_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_table_is_typed_by_hand(name: str) -> None:
    """Every table comes from a library call (chapter 01 says so): a Markdown table (a header line followed by a
    ``---`` separator line) or an HTML ``<table>`` in a markdown cell fails, unless exempted with a reason."""
    found = []
    for text in _markdown(name):
        prose = _FENCE.sub("", text)
        lines = prose.splitlines()
        for header, separator in zip(lines, lines[1:], strict=False):
            if "|" in header and _TABLE_SEPARATOR.match(separator):
                found.append(header.strip())
        if re.search(r"<table\b", prose, re.IGNORECASE):
            found.append("<table>")
    unexplained = [h for h in found if (name, h) not in HAND_TABLE_EXEMPTIONS]
    assert not unexplained, f"{name}: hand-typed tables (make them a reference call): {unexplained}"


def test_the_table_detector_catches_a_table() -> None:
    lines = ["| a | b |", "|---|:---:|", "| 1 | 2 |"]
    assert _TABLE_SEPARATOR.match(lines[1]) and not _TABLE_SEPARATOR.match(lines[2])
    assert _TABLE_SEPARATOR.match("--- | ---") and _TABLE_SEPARATOR.match("| :--- | ---: |")


def test_each_chapter_starts_with_its_title() -> None:
    for name in CHAPTERS:
        first = _markdown(name)[0]
        assert first.startswith("# "), f"{name} does not open with a '# ' title"


# ---- committed form -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHAPTERS)
def test_committed_without_outputs_on_python3(name: str) -> None:
    notebook = _load(name)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{name}: a code cell has outputs"
            assert cell.get("execution_count") is None, f"{name}: a code cell has an execution count"


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_cells_only_call_the_public_api(name: str) -> None:
    """No logic in chapters: imports of the public API, calls, attribute reads; no definitions or loops."""
    for source in _code(name):
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert stripped in _ALLOWED_IMPORTS, f"{name}: unexpected import {stripped!r}"
            assert not re.match(r"(def|class|for|while|with|try|if|lambda)\b", stripped), f"{name}: logic {stripped!r}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_prose_has_no_hidden_placeholders_or_todo(name: str) -> None:
    for text in _markdown(name):
        prose = _CODE_SPAN.sub("", _FENCE.sub("", text))
        assert not _RAW_PLACEHOLDER.search(prose), f"{name}: a raw <PLACEHOLDER> would render as an HTML tag"
        assert not re.search(r"\b(TODO|TBD|FIXME|XXX|lorem)\b", prose, re.IGNORECASE), f"{name}: unfinished prose"


@pytest.mark.parametrize(("chapter", "presets"), sorted(ENVIRONMENT_CHAPTERS.items()))
def test_environment_chapters_show_diagram_values_commands_secrets_and_downloads(
    chapter: str, presets: tuple[str, ...]
) -> None:
    code = "\n".join(_code(chapter))
    assert "diagram(" in code
    for preset in presets:
        for call in ("values_block", "install_commands", "secrets_table", "offer_preset_files"):
            assert f'ref.{call}("{preset}"' in code, f"{chapter}: no {call} for {preset}"


# ---- links ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHAPTERS)
def test_internal_links_point_at_existing_chapters(name: str) -> None:
    for text in _markdown(name):
        for target in _LINK.findall(_FENCE.sub("", text)):
            if re.match(r"^[a-z]+://", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            assert path in CHAPTERS, f"{name} links to {target}, which is not a chapter"
            assert (NOTEBOOKS / path).is_file()


def test_every_chapter_a_finding_can_point_at_exists() -> None:
    from flytekit_deploy.checks.rules import CHAPTERS as FINDING_CHAPTERS

    slugs = {re.sub(r"^\d+-", "", Path(c).stem) for c in CHAPTERS}
    missing = sorted(set(FINDING_CHAPTERS) - slugs)
    assert not missing, f"findings point at chapters that do not exist: {missing}"


# Execution: nbmake runs every notebook in CI, and tests/wiki/test_real_wiki.py builds them all into the site
# (a failing cell fails the build) and checks every page, its diagrams and its downloads.
