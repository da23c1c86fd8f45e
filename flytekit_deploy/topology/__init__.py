"""One topology graph per spec: every diagram the kit shows is drawn from it, never by hand.

>>> from flytekit_deploy.presets import get_preset
>>> t = build_topology(get_preset("eks-core"))
>>> [n.label for n in t.of_kind(NodeKind.STORE)]
['RDS PostgreSQL', 'S3 buckets']
"""

from .build import COLLAPSE_ABOVE, Ids, build_topology
from .graph import Edge, Group, LineStyle, Node, NodeKind, Relation, Topology

__all__ = [
    "COLLAPSE_ABOVE",
    "Edge",
    "Group",
    "Ids",
    "LineStyle",
    "Node",
    "NodeKind",
    "Relation",
    "Topology",
    "build_topology",
]
