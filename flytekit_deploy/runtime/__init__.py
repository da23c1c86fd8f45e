"""Runtime truth: what Flyte, its clients and the cloud will do with a plan, judged on its real render.

* :mod:`.catalogue` — Flyte's config contract (every section/key/type/default of v1.16.8, packaged);
* :mod:`.configs` — the config files each Flyte process reads, found through its pod, merged as viper does;
* :mod:`.contract` — unknown sections/keys, wrong types, decoding semantics (maps replace defaults, ``[]byte`` is
  base64);
* :mod:`.wiring` — endpoints, Ingress routes and TLS, client/server auth, Secrets and volumes, task storage env;
* :mod:`.doctor` — all of it after a render, as findings; :mod:`.secrets` — the auth client secret generator.

Layer: beside ``checks``; imports checks, plan, charts and spec, never the reverse.
"""

from __future__ import annotations

from .doctor import doctor_findings, runtime_findings

__all__ = ["doctor_findings", "runtime_findings"]
