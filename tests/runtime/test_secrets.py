"""The auth client secret generator gives what the runtime check accepts and what bcrypt verifies."""

from __future__ import annotations

import base64

import bcrypt

from flytekit_deploy.runtime.configs import ConfigFile, ProcessConfig
from flytekit_deploy.runtime.contract import contract_findings
from flytekit_deploy.runtime.secrets import auth_client_secret


def test_generated_value_is_base64_of_a_bcrypt_hash_of_the_raw_secret() -> None:
    made = auth_client_secret(rounds=4)
    assert base64.b64decode(made.config_value).decode() == made.bcrypt_hash
    assert bcrypt.checkpw(made.raw.encode(), made.bcrypt_hash.encode())
    assert made.raw not in made.config_value


def test_generated_value_passes_the_runtime_contract() -> None:
    made = auth_client_secret("s3cret", rounds=4)
    clients = {
        "flytectl": {"id": "flytectl"},
        "flyte-cli": {"id": "flyte-cli"},
        "flytepropeller": {"id": "flytepropeller", "client_secret": made.config_value},
    }
    data = {"auth": {"appAuth": {"selfAuthServer": {"staticClients": clients}}}}
    process = ProcessConfig("v.yaml", "c", "flyte", "Deployment a", "a", "flyteadmin", [ConfigFile("x", data)], data)
    assert contract_findings(process) == []


def test_missing_bcrypt_is_a_clear_input_error(monkeypatch) -> None:
    import sys

    import pytest

    from flytekit_deploy.errors import UserInputError

    monkeypatch.setitem(sys.modules, "bcrypt", None)  # import fails
    with pytest.raises(UserInputError) as info:
        auth_client_secret("x")
    assert "flytekit-deploy[secrets]" in info.value.problems[0].fix


def test_cli_prints_raw_and_config_value_separately(capsys) -> None:
    from flytekit_deploy.cli import main

    assert main(["secrets", "auth-client", "--raw", "s3cret"]) == 0
    out = capsys.readouterr().out.splitlines()
    raw = out[out.index(next(line for line in out if line.startswith("raw secret"))) + 1].strip()
    value = out[out.index(next(line for line in out if line.startswith("staticClients"))) + 1].strip()
    assert raw == "s3cret"
    assert bcrypt.checkpw(b"s3cret", base64.b64decode(value))
