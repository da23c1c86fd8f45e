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
