"""The mutation corpus: each realistic misconfiguration must raise a new finding with the expected rule."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest
import yaml

from flytekit_deploy.checks.plan_render import PlanRender, render_plan
from flytekit_deploy.runtime import runtime_findings

from .mutations.corpus import CORPUS, DELETE, Mutation

pytestmark = pytest.mark.needs_shared


def _edit(tree: Any, path: tuple[Any, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node[part] if isinstance(node, list) else node.setdefault(part, {})
    last = path[-1]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value


def _apply(mutation: Mutation, plan: Any, charts: Any, rendered: PlanRender) -> tuple[Any, PlanRender]:
    releases = list(plan.releases)
    client = plan.flytectl_config
    changed: set[str] = set()
    for filename, path, value in mutation.edits:
        if filename == "flytectl-config.yaml":
            tree = yaml.safe_load(client)
            _edit(tree, path, value)
            client = yaml.safe_dump(tree)
            continue
        index = next(i for i, r in enumerate(releases) if r.filename == filename)
        values = copy.deepcopy(releases[index].values)
        _edit(values, path, value)
        releases[index] = replace(releases[index], values=values)
        changed.add(filename)
    mutated = replace(plan, releases=releases, flytectl_config=client)
    partial = render_plan(replace(mutated, releases=[r for r in releases if r.filename in changed]), charts)
    out = PlanRender(results={**rendered.results, **partial.results}, failures=list(partial.failures))
    return mutated, out


def _key(finding: Any) -> tuple[str, str, str]:
    return (finding.rule, finding.path, finding.message)


@pytest.fixture(scope="module")
def caught(preset_renders, preset_runtime, prepared_charts) -> dict[str, tuple[bool, list[str]]]:
    out: dict[str, tuple[bool, list[str]]] = {}
    for mutation in CORPUS:
        plan, rendered = preset_renders[mutation.preset]
        base = {_key(f) for f in preset_runtime[mutation.preset]}
        mplan, mrender = _apply(mutation, plan, prepared_charts, rendered)
        new = [f for f in list(mrender.failures) + runtime_findings(mplan, mrender) if _key(f) not in base]
        out[mutation.id] = (any(f.rule == mutation.rule for f in new), [f"{f.rule}: {f.message}" for f in new])
    return out


def test_corpus_is_large_and_unique() -> None:
    assert len(CORPUS) >= 30
    assert len({m.id for m in CORPUS}) == len(CORPUS)
    assert len({m.rule for m in CORPUS}) >= 15


def test_every_mutation_is_caught_with_the_right_rule(caught) -> None:
    missed = {mid: new for mid, (ok, new) in caught.items() if not ok}
    print(f"mutation corpus: {len(CORPUS) - len(missed)}/{len(CORPUS)} caught with the expected rule")
    assert missed == {}
