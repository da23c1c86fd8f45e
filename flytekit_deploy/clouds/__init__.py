"""One module per environment (local, aws, gcp, azure, onprem) behind one typed protocol, :class:`Cloud`.

Everything the kit needs to know about an environment is answered here: storage (schemes, each chart's storage
config, what task pods need), identity (annotations, labels, template variables, identifier checks), managed
databases and their TLS, ingress defaults, topology names, import recognition, presets and prerequisites.
No other package branches on the environment (``tests/clouds`` checks the syntax trees).
"""

from ._presets import Preset
from .base import (
    BaseCloud,
    BinaryStorage,
    Cloud,
    CloudIdentity,
    ManagedDatabase,
    ObjectStore,
    Prerequisite,
    StoreFacts,
    TaskAccess,
    ValuesReader,
    named,
)
from .registry import (
    CLOUDS,
    FALLBACK,
    NO_CLOUD_IDENTITY,
    cloud_for,
    cloud_of,
    identities,
    identity_of,
    recognise,
    registered,
    scheme_of_config,
    store_for,
    store_of,
    stores,
    task_access_for,
)

__all__ = [
    "BaseCloud",
    "BinaryStorage",
    "CLOUDS",
    "Cloud",
    "CloudIdentity",
    "FALLBACK",
    "NO_CLOUD_IDENTITY",
    "ManagedDatabase",
    "ObjectStore",
    "Preset",
    "Prerequisite",
    "StoreFacts",
    "TaskAccess",
    "ValuesReader",
    "cloud_for",
    "cloud_of",
    "identities",
    "identity_of",
    "named",
    "recognise",
    "registered",
    "scheme_of_config",
    "store_for",
    "store_of",
    "stores",
    "task_access_for",
]
