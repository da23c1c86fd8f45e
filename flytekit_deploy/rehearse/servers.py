"""Real-protocol servers on loopback for the rehearsals: S3 (moto), Azure blob (Azurite), GCS
(gcp-storage-emulator), a GKE metadata stand-in, PostgreSQL with TLS, flytekit's connector server.

Each is a context manager yielding its address and stopping the server on exit; each raises
:class:`ServerUnavailable` with an install hint when its tool is absent, so a caller can skip with that reason.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .endpoints import AZURITE_KEY

__all__ = [
    "ServerUnavailable",
    "PgTls",
    "azurite_blob",
    "azurite_script",
    "connector_server",
    "free_port",
    "gce_metadata",
    "gcs_emulator",
    "moto_s3",
    "postgres_tls",
    "wait_for_port",
]

TOOLS_DIR_ENV = "FLYTEKIT_DEPLOY_TOOLS"  # folder holding node_modules/azurite (default: <repo>/.tools)
AZURITE_HINT = "npm install --prefix .tools azurite@3  (bash scripts/bootstrap.sh test does it; needs node)"


class ServerUnavailable(RuntimeError):
    """The tool a rehearsal server needs is not installed here (the message says how to install it)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def moto_s3() -> Iterator[str]:
    """moto's S3 in server mode (threaded, in this process); yields ``http://127.0.0.1:port``."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise ServerUnavailable("moto server is not installed: pip install 'moto[server]'") from exc
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def azurite_script(root: Path | None = None) -> Path | None:
    """Azurite's blob entry point under ``$FLYTEKIT_DEPLOY_TOOLS`` or ``<repo>/.tools``, if installed."""
    folders = [Path(os.environ[TOOLS_DIR_ENV])] if os.environ.get(TOOLS_DIR_ENV) else []
    folders.append(root or Path(__file__).resolve().parents[2] / ".tools")
    for folder in folders:
        script = folder / "node_modules" / "azurite" / "dist" / "src" / "blob" / "main.js"
        if script.exists():
            return script
    return None


@contextmanager
def azurite_blob(accounts: Iterable[str]) -> Iterator[str]:
    """Azurite's blob service on node, in memory, with ``accounts`` (all keyed with :data:`AZURITE_KEY`);
    yields ``http://127.0.0.1:port`` (path-style: ``/<account>/<container>``)."""
    script = azurite_script()
    node = shutil.which("node")
    if script is None or node is None:
        raise ServerUnavailable(f"Azurite not found ({'node missing; ' if node is None else ''}{AZURITE_HINT})")
    port = free_port()
    env = dict(os.environ, AZURITE_ACCOUNTS=";".join(f"{a}:{AZURITE_KEY}" for a in sorted(set(accounts))))
    workdir = tempfile.mkdtemp(prefix="fkd-azurite-")
    cmd = [node, str(script), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
           "--loose", "--skipApiVersionCheck", "--disableTelemetry", "--silent"]  # fmt: skip
    # cwd: Azurite writes its debug/config files there
    proc = subprocess.Popen(cmd, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc=proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def gcs_emulator() -> Iterator[str]:
    """gcp-storage-emulator in memory, in this process; yields ``http://127.0.0.1:port``."""
    try:
        from gcp_storage_emulator.server import create_server
    except ImportError as exc:
        raise ServerUnavailable("gcp-storage-emulator is not installed: pip install gcp-storage-emulator") from exc
    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


class _MetadataHandler(BaseHTTPRequestHandler):
    """The few GKE metadata server paths google-auth reads for a Workload Identity token."""

    email = "flyte-tasks@rehearsal.iam.gserviceaccount.com"

    def log_message(self, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        path = self.path.split("?", 1)[0].rstrip("/")
        body: object
        if path in ("", "/computeMetadata/v1"):
            body = ""
        elif path.endswith("/service-accounts/default"):
            body = {
                "email": self.email,
                "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                "aliases": ["default"],
            }
        elif path.endswith("/service-accounts/default/email") or path.endswith(f"/service-accounts/{self.email}/email"):
            body = self.email
        elif path.endswith("/token"):
            body = {"access_token": "rehearsal-workload-identity-token", "expires_in": 3600, "token_type": "Bearer"}
        elif path.endswith("/project/project-id"):
            body = "rehearsal-project"
        elif path.endswith("/universe/universe-domain"):
            body = "googleapis.com"
        else:
            self.send_response(404)
            self.send_header("Metadata-Flavor", "Google")
            self.end_headers()
            return
        data = (json.dumps(body) if isinstance(body, dict | list) else str(body)).encode()
        self.send_response(200)
        self.send_header("Metadata-Flavor", "Google")
        self.send_header("Content-Type", "application/json" if isinstance(body, dict | list) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def gce_metadata() -> Iterator[str]:
    """A GKE metadata server stand-in (the source of Workload Identity tokens); yields ``127.0.0.1:port``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MetadataHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _pg_bin() -> Path | None:
    configured = os.environ.get("FLYTEKIT_DEPLOY_PG_BIN")
    candidates = [Path(configured)] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None)


@dataclass(frozen=True)
class PgTls:
    """A running PostgreSQL that requires TLS for TCP logins: superuser and a plain login role (no CREATEDB)."""

    host: str
    port: int
    superuser: str
    password: str
    certificate: str  # the self-signed server certificate (PEM), usable as sslrootcert


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "server.crt", folder / "server.key"
    if shutil.which("openssl") is None:
        raise ServerUnavailable("openssl is not installed (apt-get install openssl)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)  # fmt: skip
    key.chmod(0o600)
    return cert, key


@contextmanager
def postgres_tls(superuser: str = "flyte", password: str = "s3cret-Pa55") -> Iterator[PgTls]:
    """initdb + pg_ctl from /usr/lib/postgresql/*/bin (as ``postgres`` when root), ``ssl=on`` with a self-signed
    certificate, and pg_hba that accepts TCP logins only over TLS (``hostssl``, scram)."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        raise ServerUnavailable("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin "
                                "(apt-get install postgresql)")  # fmt: skip
    prefix: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServerUnavailable("running as root but there is no `postgres` user to run the server as") from exc
        prefix = ["runuser", "-u", "postgres", "--"]
    home = Path(tempfile.mkdtemp(prefix="fkd-pgtls-"))
    data, pwfile, log = home / "data", home / "pwfile", home / "server.log"
    pwfile.write_text(password + "\n", encoding="utf-8")
    cert, key = _self_signed(home)
    if owner is not None:
        for path in (home, pwfile, cert, key):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=120)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", superuser, f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256", "--auth-host=reject", "--encoding=UTF8", "--no-sync")  # fmt: skip
        hba = data / "pg_hba.conf"
        rules = ("hostssl all all 127.0.0.1/32 scram-sha-256\n"
                 "hostnossl all all 127.0.0.1/32 reject\n")  # fmt: skip
        run("sh", "-c", f"printf '%s' '{rules}' > '{hba}'")
        options = (f"-h 127.0.0.1 -p {port} -k {home} -c fsync=off -c max_connections=20 -c ssl=on "
                   f"-c ssl_cert_file={cert} -c ssl_key_file={key}")  # fmt: skip
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace") + (log.read_text() if log.exists() else "")
        shutil.rmtree(home, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL with TLS: {detail}") from exc
    try:
        yield PgTls("127.0.0.1", port, superuser, password, str(cert))
    finally:
        subprocess.run(prefix + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60, check=False)  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def connector_server() -> Iterator[str]:
    """flytekit's connector gRPC server (``pyflyte serve connector``) in a subprocess; yields ``127.0.0.1:port``."""
    try:
        import flytekit  # noqa: F401
    except ImportError as exc:
        raise ServerUnavailable("flytekit is not installed: pip install flytekit") from exc
    port, metrics = free_port(), free_port()
    code = "import sys; from flytekit.clis.sdk_in_container.pyflyte import main; sys.exit(main())"
    cmd = [sys.executable, "-c", code, "serve", "connector", "--port", str(port), "--prometheus_port", str(metrics)]
    workdir = tempfile.mkdtemp(prefix="fkd-connector-")
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={"PATH": os.defpath, "HOME": workdir})  # fmt: skip
    try:
        wait_for_port(port, timeout=90, proc=proc)
        yield f"127.0.0.1:{port}"
    finally:
        _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


def http_json(method: str, url: str, body: object | None = None) -> object:
    """A small JSON request (creating GCS emulator buckets needs no client library)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (loopback URL built here)
        raw = resp.read()
    return json.loads(raw) if raw else None
