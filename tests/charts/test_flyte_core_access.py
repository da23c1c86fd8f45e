"""flyte-core emitter: ingress per controller and TLS mode, and authentication (internal, external, none)."""

from __future__ import annotations

import pytest

from flytekit_deploy.charts.flyte_core import emit
from flytekit_deploy.presets import get_preset

from .flyte_core_helpers import at, main, spec_of

# ---- ingress and auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("controller", "tls", "annotation", "grpc_annotation"),
    [
        (
            "nginx",
            {"mode": "secret", "secret_name": "flyte-tls"},
            ("kubernetes.io/ingress.class", "nginx"),
            "nginx.ingress.kubernetes.io/backend-protocol",
        ),
        ("traefik", {"mode": "none"}, ("kubernetes.io/ingress.class", "traefik"), None),
        ("gce", {"mode": "cert-manager", "cluster_issuer": "le"}, ("cert-manager.io/cluster-issuer", "le"), None),
        ("contour", {"mode": "none"}, None, None),
    ],
)
def test_ingress_per_controller(
    controller: str, tls: dict[str, str], annotation: tuple[str, str] | None, grpc_annotation: str | None
) -> None:
    spec = spec_of(
        "onprem-production",
        ingress={"kind": "ingress", "controller": controller, "host": "flyte.example.com", "tls": tls},
    )
    release = main(emit(spec))
    ingress = at(release.values, "common", "ingress")
    assert ingress["enabled"] is True and ingress["host"] == "flyte.example.com"
    if annotation:
        assert ingress["annotations"][annotation[0]] == annotation[1]
    if grpc_annotation:
        assert grpc_annotation in ingress["separateGrpcIngressAnnotations"]
    assert ingress["tls"]["enabled"] is (tls["mode"] in ("secret", "cert-manager"))
    if tls["mode"] == "secret":
        assert ingress["tls"]["secretName"] == "flyte-tls"
    if controller in ("contour", "traefik"):
        assert release.values["flyteadmin"]["service"]["annotations"]  # h2c to FlyteAdmin's gRPC port


def test_alb_with_acm() -> None:
    ingress = at(main(emit(get_preset("eks-core"))).values, "common", "ingress")
    assert ingress["annotations"]["alb.ingress.kubernetes.io/certificate-arn"] == "<ACM_CERTIFICATE_ARN>"
    assert ingress["albSSLRedirect"] is True
    assert ingress["tls"] == {"enabled": False}  # the ALB terminates TLS
    assert ingress["separateGrpcIngressAnnotations"] == {"alb.ingress.kubernetes.io/backend-protocol-version": "GRPC"}


def test_no_ingress_disables_it_and_explains_port_forward() -> None:
    spec = spec_of(
        "onprem-production", ingress={"kind": "ingress", "controller": "none", "host": None, "tls": {"mode": "none"}}
    )
    release = main(emit(spec))
    assert at(release.values, "common", "ingress") == {"enabled": False}
    assert any("port-forward" in n for n in release.notes)


def test_internal_auth() -> None:
    release = main(emit(spec_of("eks-core", hardening="off")))  # hardened: a file (test_hardening_values.py)
    values = release.values
    auth = at(values, "configmap", "adminServer", "auth")
    assert auth["authorizedUris"][0] == "https://<FLYTE_HOST>"
    assert auth["appAuth"]["authServerType"] == "Self"
    assert auth["userAuth"]["openId"] == {
        "baseUrl": "<OIDC_ISSUER_URL>",
        "scopes": ["openid", "profile"],
        "clientId": "<OIDC_CLIENT_ID>",
    }
    assert at(values, "configmap", "adminServer", "server", "security", "useAuth") is True
    oidc = get_preset("eks-core").auth.client_secret
    assert values["flyteadmin"]["env"][0] == {
        "name": "FLYTE_SECRET_oidc_client_secret",
        "valueFrom": {"secretKeyRef": {"name": oidc.name, "key": oidc.key}},
    }
    (secret,) = [s for s in release.secrets if s.name == "flyte-secret-auth"]  # one Secret, both clients' keys
    assert secret.spec_paths == ["auth.client_secret", "auth.service_client_secret"]
    assert "client_secret" in secret.keys and oidc.key in secret.keys
    assert any("bcrypt" in n for n in release.notes)


def test_external_auth_and_explicit_uris() -> None:
    spec = spec_of(
        "gke-production",
        auth={
            "mode": "oidc-external",
            "external_audience": "api://flyte",
            "authorized_uris": ["https://flyte.internal"],
            "client_secret": {"name": "oidc", "key": "secret"},
        },
    )
    release = main(emit(spec))
    auth = at(release.values, "configmap", "adminServer", "auth")
    assert auth["appAuth"]["authServerType"] == "External"
    assert auth["appAuth"]["externalAuthServer"]["allowedAudience"] == ["api://flyte"]
    assert auth["appAuth"]["thirdPartyConfig"]["flyteClient"]["audience"] == "api://flyte"
    assert auth["authorizedUris"][0] == "https://flyte.internal"
    admin = at(release.values, "configmap", "admin", "admin")
    assert (admin["audience"], admin["scopes"]) == ("api://flyte", ["all"])
    assert sorted(s.name for s in release.secrets) == ["db-pass", "flyte-secret-auth", "oidc"]


def test_no_auth_sets_nothing_about_clients() -> None:
    values = main(emit(get_preset("sandbox-core"))).values
    assert "secrets" not in values
    assert "auth" not in values["configmap"]["adminServer"]
