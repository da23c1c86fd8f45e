"""The live doctor maps a DeploymentSpec onto the probes: real servers for the probes, spec paths in findings."""

from __future__ import annotations

import pytest

from flytekit_deploy.checks import live_doctor
from flytekit_deploy.checks.findings import Finding, Severity
from flytekit_deploy.checks.live_doctor import live_findings, secret_env_var
from flytekit_deploy.spec import Database, DeploymentSpec, SecretRef, Storage

from .conftest import PgServer, S3Server


def by_rule(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.rule, []).append(f)
    return out


def sandbox_spec(pg: PgServer, s3: S3Server) -> DeploymentSpec:
    """The sandbox model allows inline secret values, as `flytectl demo` has them."""
    return DeploymentSpec(
        database=Database(host=pg.host, port=pg.port, user=pg.user,
                          password=SecretRef(name="pg", key="password", value=pg.password)),
        storage=Storage(provider="s3-compatible", endpoint=s3.endpoint, region=s3.region,
                        metadata_bucket=s3.buckets[0], raw_data_bucket=s3.buckets[1], credentials="secret",
                        access_key=SecretRef(name="minio", key="user", value=s3.access_key),
                        secret_key=SecretRef(name="minio", key="password", value=s3.secret_key)),
    )  # fmt: skip


def core_spec(pg: PgServer, s3: S3Server) -> DeploymentSpec:
    """flyte-core on a self-managed cluster: secrets by reference only."""
    return DeploymentSpec(
        model="single-cluster", environment="on-prem", chart="flyte-core",
        database=Database(flavour="external", host=pg.host, port=pg.port, user=pg.user,
                          password=SecretRef(name="db-pass", key="pass.txt")),
        storage=Storage(provider="s3-compatible", endpoint=s3.endpoint, region=s3.region,
                        metadata_bucket=s3.buckets[0], raw_data_bucket=s3.buckets[1], credentials="secret",
                        access_key=SecretRef(name="s3-keys", key="access"),
                        secret_key=SecretRef(name="s3-keys", key="secret")),
    )  # fmt: skip


def secrets_env(pg: PgServer, s3: S3Server) -> dict[str, str]:
    return {"DB_PASS_PASS_TXT": pg.password, "S3_KEYS_ACCESS": s3.access_key, "S3_KEYS_SECRET": s3.secret_key}


def test_secret_env_var_names() -> None:
    assert secret_env_var(SecretRef(name="db-pass", key="pass.txt")) == "DB_PASS_PASS_TXT"
    assert secret_env_var(SecretRef(name="flyte-sandbox-minio", key="root-password")) == (
        "FLYTE_SANDBOX_MINIO_ROOT_PASSWORD"
    )


@pytest.mark.live
def test_sandbox_spec_all_good(postgres_server: PgServer, s3_server: S3Server) -> None:
    findings = live_findings(sandbox_spec(postgres_server, s3_server), timeout=3, env={})
    assert {f.severity for f in findings} == {Severity.INFO}
    rules = by_rule(findings)
    assert [f.path for f in rules["live.postgres.ok"]] == ["database"]
    assert "flyteadmin" in rules["live.postgres.ok"][0].message  # flyte-sandbox: one database
    assert sorted(f.path for f in rules["live.storage.ok"]) == ["storage.metadata_bucket", "storage.raw_data_bucket"]


@pytest.mark.live
def test_core_spec_reads_secrets_from_env(postgres_server: PgServer, s3_server: S3Server) -> None:
    spec = core_spec(postgres_server, s3_server)
    findings = live_findings(spec, timeout=3, env=secrets_env(postgres_server, s3_server))
    rules = by_rule(findings)
    assert set(rules) == {"live.postgres.ok", "live.storage.ok"}
    assert "flyteadmin, datacatalog" in rules["live.postgres.ok"][0].message  # flyte-core: two databases


@pytest.mark.live
def test_missing_database_points_at_the_spec_field(postgres_server: PgServer, s3_server: S3Server) -> None:
    spec = core_spec(postgres_server, s3_server)
    spec.database.datacatalog_dbname = "catalog"
    findings = live_findings(spec, timeout=3, env=secrets_env(postgres_server, s3_server))
    (missing,) = by_rule(findings)["live.postgres.missing-database"]
    assert missing.path == "database.datacatalog_dbname"


@pytest.mark.live
def test_missing_bucket_points_at_the_spec_field(postgres_server: PgServer, s3_server: S3Server) -> None:
    spec = core_spec(postgres_server, s3_server)
    spec.storage.raw_data_bucket = "not-created"
    findings = live_findings(spec, timeout=3, env=secrets_env(postgres_server, s3_server))
    (missing,) = by_rule(findings)["live.storage.missing-bucket"]
    assert missing.path == "storage.raw_data_bucket"


@pytest.mark.live
def test_overrides_replace_the_spec_addresses(postgres_server: PgServer, s3_server: S3Server) -> None:
    """The default sandbox spec points inside the cluster; a port-forward's address replaces it."""
    spec = sandbox_spec(postgres_server, s3_server)
    spec.database.host = "flyte-sandbox-postgresql"
    spec.storage.endpoint = "http://flyte-sandbox-minio.flyte:9000"
    findings = live_findings(
        spec, timeout=3, env={}, db_host="127.0.0.1", db_port=postgres_server.port, storage_endpoint=s3_server.endpoint
    )
    assert set(by_rule(findings)) == {"live.postgres.ok", "live.storage.ok"}


def test_missing_secret_says_which_variable_to_set() -> None:
    pg = PgServer("127.0.0.1", 5432, "flyte", "unused", ("flyteadmin",))
    s3 = S3Server("http://127.0.0.1:9000", "us-east-1", "k", "s", ("a-bucket", "b-bucket"))
    findings = live_findings(core_spec(pg, s3), timeout=3, env={})
    rules = by_rule(findings)
    assert set(rules) == {"live.secret-missing"}
    db, storage = rules["live.secret-missing"]
    assert (db.path, db.severity) == ("database.password", Severity.WARNING)
    assert 'export DB_PASS_PASS_TXT="..."' in db.fix
    assert "kubectl -n flyte get secret db-pass -o jsonpath='{.data.pass\\.txt}' | base64 -d" in db.fix
    assert storage.path == "storage.access_key" and "S3_KEYS_ACCESS" in storage.fix


def test_unreachable_in_cluster_address_gets_port_forward_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(host: str, port: int, *args: object) -> list[Finding]:
        return [
            Finding(Severity.ERROR, "database.host", f"{host}:{port} unreachable", "", rule="live.postgres.unreachable")
        ]

    monkeypatch.setattr(live_doctor, "probe_postgres", unreachable)
    monkeypatch.setattr(live_doctor, "probe_object_store", lambda *a, **k: [])
    findings = live_findings(DeploymentSpec(), env={})  # the sandbox: flyte-sandbox-postgresql, inline password
    hint = by_rule(findings)["live.in-cluster-address"][0]
    assert "kubectl -n flyte port-forward svc/flyte-sandbox-postgresql 5432:5432" in hint.fix
    assert "db_host=127.0.0.1" in hint.fix


def test_gcs_and_azure_specs_say_how_to_check_by_hand() -> None:
    gcp = DeploymentSpec(model="single-cluster", environment="gcp", chart="flyte-binary",
                         gcp={"project_id": "my-project-123"},
                         database=Database(flavour="cloud-sql", host="<CLOUD_SQL_HOST>",
                                           password=SecretRef(name="db-pass", key="pass.txt")),
                         storage=Storage(provider="gcs", metadata_bucket="flyte-meta-123"))  # fmt: skip
    (note,) = [f for f in live_findings(gcp, env={}) if f.path.startswith("storage")]
    assert note.rule == "live.storage.not-probed" and "gsutil ls gs://flyte-meta-123" in note.fix


def test_placeholders_are_not_probed() -> None:
    spec = DeploymentSpec(model="single-cluster", environment="aws", chart="flyte-binary",
                          database=Database(flavour="rds", host="<RDS_HOST>",
                                            password=SecretRef(name="db-pass", key="pass.txt")),
                          storage=Storage(provider="s3", metadata_bucket="<BUCKET>"))  # fmt: skip
    findings = live_findings(spec, env={})
    assert [f.rule for f in findings] == ["live.placeholder", "live.placeholder"]
