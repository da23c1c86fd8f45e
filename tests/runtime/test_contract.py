"""Flyte's decoding rules on hand-made process configs, and where the reference and the chart disagree."""

from __future__ import annotations

import base64

import pytest

from flytekit_deploy.runtime.configs import ConfigFile, ProcessConfig, merge
from flytekit_deploy.runtime.contract import contract_findings


def _process(component: str, *files: dict) -> ProcessConfig:
    merged: dict = {}
    for data in files:
        merged = merge(merged, data)
    loaded = [ConfigFile(f"ConfigMap test/{i:03d}.yaml", data) for i, data in enumerate(files)]
    return ProcessConfig("values.yaml", "c1", "flyte", "Deployment x", "x", component, loaded, merged)


def _rules(process: ProcessConfig) -> list[tuple[str, str]]:
    return [(f.rule, f.path.rsplit(": ", 1)[-1]) for f in contract_findings(process)]


CLIENT = {"id": "flytepropeller", "grant_types": ["client_credentials"], "response_types": ["token"], "scopes": ["all"]}


def test_merge_is_deep_case_insensitive_and_later_file_wins() -> None:
    out = merge({"admin": {"endpoint": "a:1", "insecure": True}}, {"Admin": {"endpoint": "b:2"}, "x": [1]})
    assert out == {"admin": {"endpoint": "b:2", "insecure": True}, "x": [1]}  # first spelling kept


def test_static_clients_map_drops_the_default_cli_clients() -> None:
    auth = {"auth": {"appAuth": {"selfAuthServer": {"staticClients": {"flytepropeller": CLIENT}}}}}
    findings = contract_findings(_process("flyteadmin", auth))
    dropped = [f for f in findings if f.rule == "runtime.map-drops-defaults"]
    assert len(dropped) == 1 and "flyte-cli, flytectl are gone" in dropped[0].message


def test_static_clients_split_over_two_files_merge_before_decoding() -> None:
    """viper merges the files first, so three clients spread over two files are all there."""
    first = {"auth": {"appAuth": {"selfAuthServer": {"staticClients": {"flytepropeller": CLIENT}}}}}
    second = {
        "auth": {
            "appAuth": {
                "selfAuthServer": {"staticClients": {"flytectl": {"id": "flytectl"}, "flyte-cli": {"id": "flyte-cli"}}}
            }
        }
    }
    assert _rules(_process("flyteadmin", first, second)) == []


@pytest.mark.parametrize(
    ("secret", "ok"),
    [
        ("$2a$06$d6PQn2QAFU3cL5V8MDkeuuk63xubqUxNxjtfPw.Fc9MgV6vpmyOIy", False),  # the bare hash: not base64
        (base64.b64encode(b"not-a-hash").decode(), False),  # base64, but bcrypt can never match it
        (base64.b64encode(b"$2a$06$d6PQn2QAFU3cL5V8MDkeuuk63xubqUxNxjtfPw.Fc9MgV6vpmyOIy").decode(), True),
    ],
)
def test_client_secret_is_base64_of_a_bcrypt_hash(secret: str, ok: bool) -> None:
    clients = {name: {"id": name} for name in ("flytectl", "flyte-cli")} | {
        "flytepropeller": CLIENT | {"client_secret": secret}
    }
    auth = {"auth": {"appAuth": {"selfAuthServer": {"staticClients": clients}}}}
    rules = [r for r, _p in _rules(_process("flyteadmin", auth))]
    assert (rules == []) is ok, rules
    if not ok:
        assert rules == ["runtime.bytes-base64"]


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("gc-interval", "12", "runtime.type"),  # no unit: time.ParseDuration rejects it
        ("gc-interval", 43200, "runtime.duration-unit"),  # a number is nanoseconds
        ("gc-interval", "12h", None),
        ("workers", "forty", "runtime.type"),
        ("workers", "40", None),  # weak typing turns the string into an int
        ("rawoutput-prefix", True, None),  # weak typing turns a bool into a string
        ("workerz", 4, "runtime.unknown-key"),
    ],
)
def test_types_follow_weak_decoding(key: str, value: object, rule: str | None) -> None:
    got = [r for r, _p in _rules(_process("flytepropeller", {"propeller": {key: value}}))]
    assert got == ([rule] if rule else [])


def test_unknown_key_names_the_nearest_spelling() -> None:
    (finding,) = contract_findings(_process("flytepropeller", {"catalog_cache": {"endpoint": "datacatalog:89"}}))
    assert finding.rule == "runtime.unknown-section" and "'catalog-cache'" in finding.fix


def test_quantities_booleans_urls_lists() -> None:
    config = {
        "plugins": {"k8s": {"default-cpus": "1 core", "inject-finalizer": "yes please"}},
        "tasks": {"task-plugins": {"enabled-plugins": {"container": True}}},
        "admin": {"endpoint": "flyte admin:81"},
    }
    paths = sorted(p for _r, p in _rules(_process("flytepropeller", config)))
    assert paths == [
        "admin.endpoint",
        "plugins.k8s.default-cpus",
        "plugins.k8s.inject-finalizer",
        "tasks.task-plugins.enabled-plugins",
    ]


# -- where the generated reference and the v1.16.8 chart disagree -------------------------------------------------


def test_chart_remoteData_wins_over_reference_remotedata_because_viper_ignores_case() -> None:
    assert _rules(_process("flyteadmin", {"remoteData": {"scheme": "local"}})) == []


def test_chart_customData_list_wins_over_reference_map_because_sliceToMapHook_merges_a_list_of_maps() -> None:
    """Reference: ``customData (map[string]map[string]interfaces.DataSource)``; chart: a list of one-key maps.
    flytestdlib's sliceToMapHook merges a slice of maps into one map (the charts use it to keep key case), so the
    chart's form is read."""
    data = {"cluster_resources": {"customData": [{"development": [{"projectQuotaCpu": {"value": "4"}}]}]}}
    assert _rules(_process("flyteadmin", data)) == []


def test_chart_authServerType_name_wins_over_reference_int_because_the_enum_decodes_names() -> None:
    """Reference: ``authServerType (int)``; chart: ``Self``. The enumer-generated unmarshaler reads the name."""
    assert _rules(_process("flyteadmin", {"auth": {"appAuth": {"authServerType": "Self"}}})) == []
    assert _rules(_process("flyteadmin", {"auth": {"appAuth": {"authServerType": "Selff"}}})) == [
        ("runtime.type", "auth.appAuth.authServerType")
    ]


def test_reference_wins_over_chart_default_flyteadmin_testing_which_flyte_ignores() -> None:
    """The chart's defaults write ``flyteadmin.testing.host``; the reference has no such key, so Flyte ignores it
    (the process still starts): reported as info, not as an error the kit could fix."""
    findings = contract_findings(_process("flyteadmin", {"flyteadmin": {"testing": {"host": "http://flyteadmin"}}}))
    assert [(f.rule, f.severity.value) for f in findings] == [("runtime.chart-default-ignored", "info")]


def test_a_config_file_that_is_not_yaml_stops_the_process() -> None:
    from flytekit_deploy.runtime.configs import _load

    broken = _load("Secret flyte-auth/204-auth-secrets.yaml", "auth: [unclosed\n")
    listed = _load("ConfigMap c/000.yaml", "- a\n- b\n")
    process = ProcessConfig("v.yaml", "c", "flyte", "Deployment a", "a", "flyteadmin", [broken, listed], {})
    assert [f.rule for f in contract_findings(process)] == ["runtime.yaml", "runtime.yaml"]


def test_flyte_binary_switches_are_checked_too() -> None:
    """flyte-binary's own ``flyte`` section (flyte/cmd/single/config.go) is not in the generated reference."""
    ok = {"flyte": {"admin": {"disabled": False, "seedProjects": ["flytesnacks"]}, "dataCatalog": {"disabled": False}}}
    assert _rules(_process("flyte-binary", ok)) == []
    typo = {"flyte": {"propeller": {"disableWebHook": True, "disabledd": True}}}
    assert _rules(_process("flyte-binary", typo)) == [("runtime.unknown-key", "flyte.propeller.disabledd")]
