"""flyte-core emitter: ServiceMonitors and task log links (escaped for the chart's tpl)."""

from __future__ import annotations

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.charts.flyte_core.parts import escape_go_template
from flytekit_deploy.presets import get_preset

from .flyte_core_helpers import at, main, spec_of


def test_service_monitors_follow_the_spec() -> None:
    spec = spec_of(
        "eks-core",
        observability={"service_monitor": {"enabled": True, "interval": "30s", "labels": {"release": "prom"}}},
    )
    values = main(emit(spec)).values
    for block in ("flyteadmin", "datacatalog", "flytepropeller", "flyteconsole", "flytescheduler"):
        assert values[block]["serviceMonitor"] == {
            "enabled": True,
            "interval": "30s",
            "scrapeTimeout": "30s",
            "labels": {"release": "prom"},
        }
    assert values["flytepropeller"]["service"] == {"enabled": True}
    assert any("Prometheus Operator" in n for n in main(emit(spec)).notes)


# ---- logs ----------------------------------------------------------------------------------------------------


def test_log_links_are_escaped_for_tpl() -> None:
    link = "https://logs.example.com/{{ .namespace }}/{{ .podName }}?c={{.containerName}}"
    spec = spec_of(
        "onprem-production",
        observability={"logs": {"providers": ["kubernetes", "custom"], "custom": [{"name": "Logs", "template": link}]}},
    )
    logs = at(main(emit(spec)).values, "configmap", "task_logs", "plugins", "logs")
    escaped = logs["templates"][0]["templateUris"][0]
    assert escaped == (
        'https://logs.example.com/{{ "{{" }} .namespace {{ "}}" }}/{{ "{{" }} .podName {{ "}}" }}'
        '?c={{ "{{" }}.containerName{{ "}}" }}'
    )
    helm_rendered = escaped.replace('{{ "{{" }}', "{{").replace('{{ "}}" }}', "}}")
    assert helm_rendered == link
    assert logs["kubernetes-template-uri"].startswith('http://localhost:30080/kubernetes-dashboard/#/log/{{ "{{" }}')


def test_escape_is_single_pass() -> None:
    assert escape_go_template("}}{{") == '{{ "}}" }}{{ "{{" }}'
    assert escape_go_template("no template") == "no template"


def test_cloudwatch_and_azure_log_links() -> None:
    eks = at(main(emit(get_preset("eks-core"))).values, "configmap", "task_logs", "plugins")
    assert eks["logs"]["cloudwatch-enabled"] is True
    assert eks["logs"]["cloudwatch-region"] == "<AWS_REGION>"
    assert eks["k8s-array"]["logs"]["config"]["cloudwatch-log-group"] == "<CLOUDWATCH_LOG_GROUP>"
    aks = at(main(emit(get_preset("aks-production"))).values, "configmap", "task_logs", "plugins", "logs")
    assert aks["templates"][0]["templateUris"] == ['<AZURE_LOG_ANALYTICS_URL>{{ "{{" }} .podName {{ "}}" }}']
