"""Presets whose rehearsals fail today, with the reason: strict xfails, so the fix flips them to failures of the xfail.

Each reason names what the plan lacks. Fixed by issue 10 and removed: aks-starter storage (account name), the
flyte-core CLI static clients, the onprem-starter client (TLS from Secret flyte-tls), the eks-hybrid connector
(credentials as _FSEC_ env, the release renders), onprem-starter storage (keys via default-env-vars-from-env).
"""

from __future__ import annotations

_SSL_DISABLE = (
    "database options sslmode=disable: a PostgreSQL that requires TLS (Cloud SQL with 'require SSL', the "
    "rehearsal's TLS-only server) refuses the login; sslmode=require works with or without enforcement"
)

XFAIL: dict[str, dict[str, str]] = {
    "storage": {
        "onprem-production": "propeller's storage config is only in the operator's Secret flyte-storage-config, so "
        "the plan's render has no storage section to rehearse (the task pods' keys now come through propeller's "
        "default-env-vars-from-env)",
    },
    "clients": {},
    "database": {
        "gke-starter": _SSL_DISABLE,
        "gke-production": _SSL_DISABLE,
        "gke-multicluster": _SSL_DISABLE,
    },
    "connector": {},
}
