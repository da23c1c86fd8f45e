"""flyte-core sections for how people and clients get in: the Ingress (per controller) and authentication."""

from __future__ import annotations

from typing import Any

from ...clouds import cloud_of
from ...spec import AuthMode, DeploymentSpec, IdentityProvider, IngressController, TlsMode
from ..base import SecretSpec
from .parts import ADMIN_ROLES, PROPELLER_ROLES, Parts

__all__ = ["add_ingress", "add_auth", "public_url"]

_ALB_LISTEN_HTTP = '[{"HTTP": 80}]'
_ALB_LISTEN_HTTPS = '[{"HTTP": 80}, {"HTTPS":443}]'
_ALB_SSL_REDIRECT = (
    '{"Type": "redirect", "RedirectConfig": { "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}'
)
_PROPELLER_STATIC_CLIENT_HASH = "<FLYTEPROPELLER_CLIENT_SECRET_BCRYPT_BASE64>"


_CLI_LOGIN = {
    "redirect_uris": ["http://localhost:53593/callback", "http://localhost:12345/callback"],
    "grant_types": ["refresh_token", "authorization_code"],
    "response_types": ["code", "token"],
    "scopes": ["all", "offline", "access_token"],
    "public": True,
}
_CLI_STATIC_CLIENTS = {name: {"id": name, **_CLI_LOGIN} for name in ("flytectl", "flyte-cli")}
"""FlyteAdmin's default public clients (the generated reference's staticClients default), kept when the kit sets
the service client."""


def _admin_note(parts: Parts, text: str) -> None:
    """Ingress and login caveats concern the releases that serve people (not data planes)."""
    parts.note(text, ADMIN_ROLES)


def public_url(spec: DeploymentSpec) -> str | None:
    """https://<ingress host>, the URL people and flytectl use, when the spec has a host."""
    return f"https://{spec.ingress.host}" if spec.ingress.host else None


def _controller_settings(spec: DeploymentSpec, parts: Parts) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """(Ingress annotations, gRPC-Ingress-only annotations, other values) for the spec's ingress controller."""
    ingress, tls = spec.ingress, spec.ingress.tls
    annotations: dict[str, str] = {}
    grpc: dict[str, str] = {}
    extra: dict[str, Any] = {}
    controller = ingress.controller
    if controller is IngressController.ALB:
        annotations.update(
            {
                "kubernetes.io/ingress.class": "alb",
                "alb.ingress.kubernetes.io/tags": f"service_instance={spec.profile.value}",
                "alb.ingress.kubernetes.io/scheme": "internet-facing",
                "alb.ingress.kubernetes.io/target-type": "ip",
            }
        )
        if tls.mode is TlsMode.ACM:
            annotations["alb.ingress.kubernetes.io/certificate-arn"] = str(tls.certificate_arn)
        https = tls.mode is not TlsMode.NONE
        annotations["alb.ingress.kubernetes.io/listen-ports"] = _ALB_LISTEN_HTTPS if https else _ALB_LISTEN_HTTP
        if https:
            annotations["alb.ingress.kubernetes.io/actions.ssl-redirect"] = _ALB_SSL_REDIRECT
        annotations["alb.ingress.kubernetes.io/group.name"] = spec.name
        grpc["alb.ingress.kubernetes.io/backend-protocol-version"] = "GRPC"
        extra["albSSLRedirect"] = https
        _admin_note(
            parts,
            "ALB: needs the AWS Load Balancer Controller v2.1 or newer; the HTTP and gRPC Ingresses share one load "
            f"balancer through group.name {spec.name}.",
        )
        if tls.mode in (TlsMode.CERT_MANAGER, TlsMode.SECRET):
            _admin_note(
                parts, "ALB terminates TLS with ACM certificates only; a Kubernetes TLS Secret is ignored by it."
            )
    elif controller is IngressController.NGINX:
        annotations["kubernetes.io/ingress.class"] = "nginx"
        if tls.mode is not TlsMode.NONE:
            annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "true"
        grpc["nginx.ingress.kubernetes.io/backend-protocol"] = "GRPC"
        _admin_note(
            parts,
            "ingress-nginx proxies gRPC only on its own Ingress (separateGrpcIngress) and only over HTTP/2, which "
            "clients negotiate with TLS: without TLS, flytectl and pyflyte cannot reach FlyteAdmin through it.",
        )
    elif controller is IngressController.CONTOUR:
        extra["flyteadmin"] = {"service": {"annotations": {"projectcontour.io/upstream-protocol.h2c": "grpc"}}}
        _admin_note(
            parts, "Contour routes Ingresses without a class; FlyteAdmin's Service tells it to speak h2c to gRPC."
        )
    elif controller is IngressController.GCE:
        annotations["kubernetes.io/ingress.class"] = "gce"
        _admin_note(
            parts,
            "GCE Ingress: the gRPC Ingress must be separate, and FlyteAdmin's Service must be reachable by the load "
            "balancer (container-native NEGs on VPC-native clusters); health checks use /healthcheck.",
        )
    elif controller is IngressController.TRAEFIK:
        annotations["kubernetes.io/ingress.class"] = "traefik"
        if tls.mode is not TlsMode.NONE:
            annotations["traefik.ingress.kubernetes.io/router.tls"] = "true"
        extra["flyteadmin"] = {
            "service": {"annotations": {"traefik.ingress.kubernetes.io/service.serversscheme": "h2c"}}
        }
    if tls.mode is TlsMode.CERT_MANAGER:
        annotations["cert-manager.io/cluster-issuer"] = str(tls.cluster_issuer)
        _admin_note(
            parts,
            f"cert-manager: the ClusterIssuer {tls.cluster_issuer} must exist; the certificate lands in the Secret "
            f"{spec.name}-flyte-tls.",
        )
    if tls.mode is TlsMode.ACM and controller is not IngressController.ALB:
        _admin_note(parts, "ACM certificates attach to AWS load balancers only; choose cert-manager or a TLS Secret.")
    annotations.update(ingress.annotations)
    return annotations, grpc, extra


def add_ingress(spec: DeploymentSpec, parts: Parts) -> None:
    """``common.ingress``: the chart's HTTP and gRPC Ingresses, annotated for the controller in use."""
    ingress = spec.ingress
    grpc_annotations = cloud_of(spec).grpc_service_annotations
    if grpc_annotations:
        for service in ("flyteadmin", "datacatalog"):
            parts.add({service: {"service": {"annotations": dict(grpc_annotations)}}})
    if not ingress.chart_ingress:  # none (port-forward) or Gateway API routes (charts/gateway_api)
        parts.add(
            {"common": {"ingress": {"enabled": False}}},
            {
                "common.ingress": "no chart Ingress: the Gateway API routes in gateway-api.yaml lead here"
                if ingress.enabled
                else "no Ingress: reach Flyte with kubectl port-forward"
            },
        )
        if ingress.enabled:
            return
        _admin_note(
            parts,
            f"No ingress: kubectl -n {spec.namespace} port-forward svc/flyteconsole 8080:80 for the console and "
            f"svc/flyteadmin 8089:81 for flytectl (endpoint dns:///localhost:8089, insecure).",
        )
        return
    annotations, grpc, extra = _controller_settings(spec, parts)
    block: dict[str, Any] = {"enabled": True, "separateGrpcIngress": ingress.separate_grpc}
    if ingress.host:
        block["host"] = ingress.host
    block["annotations"] = annotations
    if ingress.separate_grpc and grpc:
        block["separateGrpcIngressAnnotations"] = grpc
    if "albSSLRedirect" in extra:
        block["albSSLRedirect"] = extra.pop("albSSLRedirect")
    tls: dict[str, Any] = {"enabled": ingress.tls.mode in (TlsMode.CERT_MANAGER, TlsMode.SECRET)}
    if ingress.tls.mode is TlsMode.SECRET:
        tls["secretName"] = ingress.tls.secret_name
    block["tls"] = tls
    if ingress.controller in (IngressController.ALB, IngressController.GCE) and not ingress.separate_grpc:
        _admin_note(parts, f"{ingress.controller.value}: gRPC needs its own Ingress; set ingress.separate_grpc: true.")
    if tls["enabled"] and not ingress.host:
        _admin_note(parts, "TLS needs ingress.host: the certificate is issued for that name.")
    parts.add(
        {"common": {"ingress": block}, **extra},
        {"common.ingress": f"HTTP and gRPC Ingresses for the {ingress.controller.value} controller"},
    )


def add_auth(spec: DeploymentSpec, parts: Parts) -> None:
    """FlyteAdmin's OIDC login and the OAuth2 client propeller and the scheduler log in with. Secrets never go in
    the values: the OIDC client secret reaches FlyteAdmin as FLYTE_SECRET_oidc_client_secret from its Secret,
    and the service client secret is the Secret the chart mounts into propeller and the scheduler."""
    auth = spec.auth
    security = {
        "secure": False,
        "useAuth": auth.enabled,
        "allowCors": True,
        "allowedOrigins": ["*"],
        "allowedHeaders": ["Content-Type", "flyte-authorization"],
    }
    parts.add(
        {"configmap": {"adminServer": {"server": {"security": security}}}},
        {
            "configmap.adminServer": "FlyteAdmin: "
            + ("OIDC login (" + auth.mode.value + ")" if auth.enabled else "no authentication (development only)")
        },
    )
    if not auth.enabled:
        return
    in_cluster = ["http://flyteadmin:80", f"http://flyteadmin.{spec.namespace}.svc.cluster.local:80"]
    public = public_url(spec)
    authorized = list(auth.authorized_uris) or ([public] if public else [])
    flyte_client: dict[str, Any] = {
        "clientId": auth.login_client_id,
        "redirectUri": auth.flytectl_redirect_uri,
        "scopes": list(auth.flytectl_scopes),
    }
    app_auth: dict[str, Any]
    if auth.mode is AuthMode.OIDC_INTERNAL:
        app_auth = {
            "authServerType": "Self",
            "selfAuthServer": {
                "staticClients": {
                    auth.service_client_id: {
                        "id": auth.service_client_id,
                        "client_secret": _PROPELLER_STATIC_CLIENT_HASH,
                        "redirect_uris": ["http://localhost:3846/callback"],
                        "grant_types": ["refresh_token", "client_credentials"],
                        "response_types": ["token"],
                        "scopes": ["all", "offline", "access_token"],
                        "public": False,
                    },
                    # Flyte zeroes a config map before decoding it (flytestdlib ZeroFields): listing only the
                    # service client would drop the built-in CLI clients, and flytectl/pyflyte login would fail.
                    **_CLI_STATIC_CLIENTS,
                }
            },
        }
        _admin_note(
            parts,
            "Internal authorization server: replace " + _PROPELLER_STATIC_CLIENT_HASH + " with the base64 of the "
            "bcrypt hash of the service client secret (Flyte decodes that []byte field as base64; a bare hash makes "
            "FlyteAdmin exit at start): `flytekit-deploy secrets auth-client` prints the raw secret (for the "
            "client_secret key of the auth Secret) and the value to put here.",
        )
    else:
        metadata = (
            ".well-known/oauth-authorization-server"
            if auth.idp is IdentityProvider.OKTA
            else ".well-known/openid-configuration"
        )
        app_auth = {
            "authServerType": "External",
            "externalAuthServer": {
                "baseUrl": auth.issuer,
                "allowedAudience": [auth.external_audience],
                "metadataUrl": metadata,
            },
        }
        flyte_client["audience"] = auth.external_audience
    app_auth["thirdPartyConfig"] = {"flyteClient": flyte_client}
    admin_auth = {
        "grpcAuthorizationHeader": "flyte-authorization",
        "authorizedUris": authorized + in_cluster,
        "appAuth": app_auth,
        "userAuth": {"openId": {"baseUrl": auth.issuer, "scopes": list(auth.user_scopes), "clientId": auth.client_id}},
    }
    service = auth.service_client_secret
    admin_client: dict[str, Any] = {
        "clientId": auth.service_client_id,
        "clientSecretLocation": f"/etc/secrets/{service.key}",
    }
    if auth.mode is AuthMode.OIDC_EXTERNAL:
        admin_client.update({"scopes": list(auth.external_scopes), "audience": auth.external_audience})
    oidc = auth.client_secret
    parts.add(
        {
            "configmap": {"adminServer": {"auth": admin_auth}, "admin": {"admin": admin_client}},
            "flyteadmin": {
                "env": [
                    {
                        "name": "FLYTE_SECRET_oidc_client_secret",
                        "valueFrom": {"secretKeyRef": {"name": oidc.name, "key": oidc.key}},
                    }
                ]
            },
            "secrets": {
                "adminOauthClientCredentials": {
                    "enabled": True,
                    "clientId": auth.service_client_id,
                    "clientSecret": None,
                    "secretName": service.name,
                }
            },
        },
        {
            "secrets": f"propeller and the scheduler log in as {auth.service_client_id} with the Secret {service.name}"
            " (clientSecret: null, so the chart does not create it with a default)",
        },
    )
    if not authorized:
        _admin_note(parts, "auth: no public URL is authorized; set ingress.host or auth.authorized_uris.")
    if (oidc.name, oidc.key) == (service.name, service.key):
        _admin_note(
            parts,
            f"auth: the IdP client secret and the {auth.service_client_id} client secret are the same Secret key "
            f"({oidc.name}/{oidc.key}); give auth.client_secret its own key unless they really are one secret.",
        )
    parts.secret(
        ADMIN_ROLES,
        SecretSpec(
            name=oidc.name,
            namespace=spec.namespace,
            keys={oidc.key: f"client secret of the {auth.idp.value} app {auth.client_id} (OIDC login)"},
            cluster="",
            purpose="FlyteAdmin's OIDC client secret, passed as FLYTE_SECRET_oidc_client_secret",
            spec_paths=["auth.client_secret"],
        ),
    )
    parts.secret(
        PROPELLER_ROLES,
        SecretSpec(
            name=service.name,
            namespace=spec.namespace,
            keys={service.key: f"client secret of the OAuth2 client {auth.service_client_id}"},
            cluster="",
            purpose="FlytePropeller and the scheduler authenticate to FlyteAdmin with it (mounted at /etc/secrets)",
            spec_paths=["auth.service_client_secret"],
        ),
    )
