"""Live probes against a real PostgreSQL 15 and an S3-compatible server (moto), both on loopback."""

from __future__ import annotations

import sys
import time

import pytest

from flytekit_deploy.checks.findings import Severity, exit_code
from flytekit_deploy.checks.live import LIVE_INSTALL_HINT, _pg_failure, probe_object_store, probe_postgres
from flytekit_deploy.errors import UserInputError

from .conftest import PG_APP_USER, PgServer, S3Server, free_port

TIMEOUT = 3


def rules(findings: list) -> list[str]:
    return sorted(f.rule for f in findings)


# --- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.live
def test_postgres_all_good(postgres_server: PgServer) -> None:
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, pg.user, pg.password, pg.databases, sslmode="disable", timeout=TIMEOUT)
    assert rules(found) == ["live.postgres.ok"]
    assert found[0].severity is Severity.INFO
    assert "flyteadmin, datacatalog" in found[0].message
    assert exit_code(found) == 0


@pytest.mark.live
def test_postgres_unreachable_port() -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    found = probe_postgres("127.0.0.1", port, "flyte", "x", ["flyteadmin"], sslmode="disable", timeout=TIMEOUT)
    assert time.monotonic() - started < TIMEOUT + 1
    assert rules(found) == ["live.postgres.unreachable"]
    assert found[0].path == "database.host"
    assert f"127.0.0.1:{port}" in found[0].message
    assert exit_code(found) == 3


@pytest.mark.live
def test_postgres_silent_server_times_out(silent_listener: int) -> None:
    started = time.monotonic()
    found = probe_postgres("127.0.0.1", silent_listener, "flyte", "x", ["a", "b"], sslmode="disable", timeout=2)
    elapsed = time.monotonic() - started
    assert elapsed < 2 + 2, f"probe took {elapsed:.1f} s"
    assert rules(found) == ["live.postgres.unreachable"]  # once, not once per database


@pytest.mark.live
def test_postgres_wrong_password(postgres_server: PgServer) -> None:
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, pg.user, "not-the-password", pg.databases, "disable", TIMEOUT)
    assert rules(found) == ["live.postgres.auth"]
    assert found[0].path == "database.password"
    assert "refused the password" in found[0].message


@pytest.mark.live
def test_postgres_unknown_user(postgres_server: PgServer) -> None:
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, "nobody", pg.password, pg.databases, "disable", TIMEOUT)
    # scram auth answers an unknown user like a wrong password, so as not to reveal which users exist
    assert rules(found) == ["live.postgres.auth"]


@pytest.mark.live
def test_postgres_missing_database_user_cannot_create(postgres_server: PgServer) -> None:
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, PG_APP_USER, pg.password, ["flyteadmin", "flyte"], "disable", TIMEOUT)
    assert rules(found) == ["live.postgres.missing-database", "live.postgres.ok"]
    missing = next(f for f in found if f.rule == "live.postgres.missing-database")
    assert (missing.path, missing.severity) == ("database.flyte", Severity.ERROR)
    assert "may not create it" in missing.message
    assert "createdb" in missing.fix and " flyte`" in missing.fix


@pytest.mark.live
def test_postgres_missing_database_flyte_will_create(postgres_server: PgServer) -> None:
    """flyteadmin creates its database at start when the user may: then a missing one is only a warning."""
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, pg.user, pg.password, ["flyte"], "disable", TIMEOUT)
    assert rules(found) == ["live.postgres.missing-database"]
    assert found[0].severity is Severity.WARNING
    assert "Flyte creates it at first start" in found[0].message
    assert exit_code(found) == 1


@pytest.mark.live
def test_postgres_sslmode_require_on_plain_server(postgres_server: PgServer) -> None:
    pg = postgres_server
    found = probe_postgres(pg.host, pg.port, pg.user, pg.password, ["flyteadmin"], "require", TIMEOUT)
    assert rules(found) == ["live.postgres.ssl"]


def test_pg_failure_classification() -> None:
    assert _pg_failure('FATAL:  password authentication failed for user "x"') == "auth"
    assert _pg_failure('FATAL:  database "flyte" does not exist') == "database"
    assert _pg_failure('FATAL:  role "x" does not exist') == "role"
    assert _pg_failure("connection failed: Connection refused") == "unreachable"
    assert _pg_failure("timeout expired") == "unreachable"
    assert _pg_failure("server does not support SSL, but SSL was required") == "ssl"
    assert _pg_failure('no pg_hba.conf entry for host "10.0.0.1"') == "hba"


def test_postgres_without_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(UserInputError) as err:
        probe_postgres("127.0.0.1", 5432, "flyte", "x", ["flyte"])
    assert err.value.problems[0].fix == LIVE_INSTALL_HINT == "pip install 'flytekit-deploy[live]'"


# --- object stores ---------------------------------------------------------------------------------------


def _probe(s3: S3Server, buckets: list[str], **kwargs: object) -> list:
    return probe_object_store(
        "s3-compatible",
        buckets,
        endpoint=str(kwargs.get("endpoint", s3.endpoint)),
        region=s3.region,
        access_key=s3.access_key,
        secret_key=s3.secret_key,
        timeout=TIMEOUT,
    )


@pytest.mark.live
def test_s3_all_good_and_probe_object_removed(s3_server: S3Server) -> None:
    import boto3

    found = _probe(s3_server, list(s3_server.buckets))
    assert rules(found) == ["live.storage.ok", "live.storage.ok"]
    assert [f.path for f in found] == [f"storage.buckets.{b}" for b in s3_server.buckets]
    client = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint,
        region_name=s3_server.region,
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
    )
    for bucket in s3_server.buckets:
        assert client.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


@pytest.mark.live
def test_s3_missing_bucket(s3_server: S3Server) -> None:
    found = _probe(s3_server, ["flyte-metadata", "no-such-bucket"])
    assert rules(found) == ["live.storage.missing-bucket", "live.storage.ok"]
    missing = next(f for f in found if f.rule == "live.storage.missing-bucket")
    assert missing.path == "storage.buckets.no-such-bucket"
    assert "aws s3 mb s3://no-such-bucket --endpoint-url" in missing.fix


@pytest.mark.live
def test_s3_unreachable_endpoint(s3_server: S3Server) -> None:
    started = time.monotonic()
    found = _probe(s3_server, ["flyte-metadata", "flyte-userdata"], endpoint=f"http://127.0.0.1:{free_port()}")
    assert time.monotonic() - started < TIMEOUT + 1
    assert rules(found) == ["live.storage.unreachable"]


@pytest.mark.live
def test_s3_silent_endpoint_times_out(silent_listener: int) -> None:
    started = time.monotonic()
    found = probe_object_store(
        "s3", ["b"], endpoint=f"http://127.0.0.1:{silent_listener}", region="us-east-1",
        access_key="k", secret_key="s", timeout=2,
    )  # fmt: skip
    assert time.monotonic() - started < 2 * 2 + 1  # connect, then one read timeout at most
    assert rules(found) == ["live.storage.unreachable"]


@pytest.mark.parametrize(
    ("provider", "command", "sdk"),
    [
        ("gcs", "gsutil ls gs://flyte-data", "google-cloud-storage"),
        ("azure", "az storage container show", "azure-storage-blob"),
    ],
)
def test_gcs_and_azure_say_how_to_check_by_hand(provider: str, command: str, sdk: str) -> None:
    found = probe_object_store(provider, ["flyte-data"])
    assert rules(found) == ["live.storage.not-probed"]
    assert found[0].severity is Severity.INFO
    assert command in found[0].fix
    assert sdk in found[0].message and "not part of the kit" in found[0].message


def test_unknown_provider_is_bad_input() -> None:
    with pytest.raises(UserInputError, match="unknown storage provider"):
        probe_object_store("ftp", ["x"])


def test_s3_without_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(UserInputError) as err:
        probe_object_store("s3", ["x"])
    assert err.value.problems[0].fix == LIVE_INSTALL_HINT
