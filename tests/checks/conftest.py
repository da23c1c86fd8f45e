"""Fixtures for the checks: a real PostgreSQL and an S3-compatible server (the reference folder is tests/conftest.py's).

The servers listen on 127.0.0.1 only, on free ports, and are started once per session when a `live` test
asks for them. PostgreSQL runs from the Debian binaries (``postgresql-15``); as root they must run as the
``postgres`` user, so the data folder lives in a fresh folder under /tmp owned by that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_USER = "flyte"
PG_PASSWORD = "s3cret-Pa55"
PG_DATABASES = ("flyteadmin", "datacatalog")
PG_APP_USER = "app"  # a plain login role: may not create databases
S3_BUCKETS = ("flyte-metadata", "flyte-userdata")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin() -> Path | None:
    configured = os.environ.get("FLYTEKIT_DEPLOY_PG_BIN")
    candidates = [Path(configured)] if configured else []
    candidates += [Path("/usr/lib/postgresql/15/bin")]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None)


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    databases: tuple[str, ...]


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    region: str
    access_key: str
    secret_key: str
    buckets: tuple[str, ...]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A real PostgreSQL with password (scram) auth, superuser ``flyte``, login role ``app`` (no CREATEDB),
    and databases flyteadmin, datacatalog."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries not found in /usr/lib/postgresql/15/bin (apt-get install postgresql-15)"
        )
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no `postgres` user to run the server as")
        prefix = ["runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="fkd-pg-"))
    data, pwfile, log = home / "data", home / "pwfile", home / "server.log"
    pwfile.write_text(PG_PASSWORD + "\n", encoding="utf-8")
    if as_root:
        for path in (home, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER, f"--pwfile={pwfile}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--no-sync")  # fmt: skip
        options = f"-h 127.0.0.1 -p {port} -k {home} -c fsync=off -c max_connections=20"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace") + (log.read_text() if log.exists() else "")
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {detail}")
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user=PG_USER, password=PG_PASSWORD,
                             dbname="postgres", autocommit=True, connect_timeout=10) as conn:  # fmt: skip
            for name in PG_DATABASES:
                conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f"CREATE ROLE {PG_APP_USER} LOGIN NOCREATEDB PASSWORD '{PG_PASSWORD}'")
        yield PgServer("127.0.0.1", port, PG_USER, PG_PASSWORD, PG_DATABASES)
    finally:
        subprocess.run(prefix + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60, check=False)  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto in server mode on loopback, with the buckets Flyte would use."""
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    info = S3Server(endpoint, "us-east-1", "testing-key", "testing-secret", S3_BUCKETS)
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name=info.region,
                              aws_access_key_id=info.access_key, aws_secret_access_key=info.secret_key)  # fmt: skip
        for bucket in S3_BUCKETS:
            client.create_bucket(Bucket=bucket)
        yield info
    finally:
        server.stop()


@pytest.fixture()
def silent_listener() -> Iterator[int]:
    """A TCP port that accepts connections and never answers: a probe must give up by its timeout."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()
