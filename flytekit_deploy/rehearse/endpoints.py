"""Where the rehearsal servers listen: the stand-ins for the cloud services a plan's pods would reach."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Endpoints", "AZURITE_KEY", "S3_ACCESS_KEY", "S3_SECRET_KEY"]

# Azurite's documented development key (any base64 key works once passed in AZURITE_ACCOUNTS).
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# moto accepts any key; these stand in for the short-lived keys a cloud identity would hand the pod.
S3_ACCESS_KEY = "rehearsal-access-key"
S3_SECRET_KEY = "rehearsal-secret-key"


@dataclass(frozen=True)
class Endpoints:
    """Loopback addresses of the rehearsal servers; None where a server is not running (that rehearsal is skipped)."""

    s3: str | None = None  # moto S3, http://127.0.0.1:port
    azurite_blob: str | None = None  # Azurite blob, http://127.0.0.1:port (path-style: /<account>/<container>)
    gcs: str | None = None  # gcp-storage-emulator, http://127.0.0.1:port
    gce_metadata: str | None = None  # a GKE metadata server stand-in, 127.0.0.1:port
    closed_port: int | None = None  # a loopback port nothing listens on (metadata lookups of pods without identity)
    postgres_host: str | None = None
    postgres_port: int | None = None
    postgres_ca: str | None = None  # path of the server's self-signed certificate
    connector: str | None = None  # flytekit connector gRPC server, 127.0.0.1:port
