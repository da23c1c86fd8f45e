"""The packaged Flyte config catalogue is what the generator makes from the v1.16.8 reference."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from flytekit_deploy.runtime.catalogue import catalogue, component_sections, lookup, nearest

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_runtime_catalogue", ROOT / "scripts" / "gen_runtime_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.needs_shared
def test_packaged_catalogue_equals_what_the_script_generates(shared_reference: Path) -> None:
    gen = _generator()
    packaged = (ROOT / "flytekit_deploy" / "runtime" / "data" / "flyte_config.json").read_text(encoding="utf-8")
    assert packaged == gen.dumps(gen.build(shared_reference)), "run scripts/gen_runtime_catalogue.py"


def test_catalogue_knows_the_keys_the_issue_is_about() -> None:
    admin = component_sections("flyteadmin")
    self_auth = admin["auth"]["fields"]["appAuth"]["fields"]["selfAuthServer"]["fields"]
    clients = self_auth["staticClients"]
    assert clients["kind"] == "map"
    assert set(clients["default"]) == {"flyte-cli", "flytectl", "flytepropeller"}
    assert clients["value"]["fields"]["client_secret"]["kind"] == "bytes"
    propeller = component_sections("flytepropeller")
    assert propeller["propeller"]["fields"]["gc-interval"]["kind"] == "duration"
    assert propeller["plugins"]["fields"]["k8s"]["fields"]["default-cpus"]["kind"] == "quantity"
    assert propeller["admin"]["fields"]["endpoint"]["kind"] == "url"
    assert propeller["admin"]["fields"]["authType"]["kind"] == "enum"
    assert len(catalogue()["components"]) == 4


def test_lookup_is_case_insensitive_like_viper_and_nearest_names_a_typo() -> None:
    admin = component_sections("flyteadmin")
    assert lookup(admin, "remoteData") == ("remotedata", admin["remotedata"])  # the chart writes remoteData
    assert nearest("catalog_cache", list(component_sections("flytepropeller"))) == "catalog-cache"
    assert nearest("zzzz", ["admin"]) is None


def test_flyte_binary_reads_every_component_section() -> None:
    binary = component_sections("flyte-binary")
    assert {"admin", "propeller", "database", "application", "scheduler", "auth"} <= set(binary)
