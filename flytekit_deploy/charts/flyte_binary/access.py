"""How people reach and log in to a flyte-binary deployment: the Ingresses (per controller, with TLS) and OIDC
authentication. Split from :mod:`.flyte_binary`; only flyte-binary keys here.

Secrets stay out of the values: client secrets come from an existing Secret through
``configuration.auth.clientSecretsExternalSecretRef``, and the bcrypt hash Flyte's own authorization server checks
arrives as a config file of the same Secret through ``configuration.inlineSecretRef``.
"""

from __future__ import annotations

from typing import Any

from ...spec import AuthMode, IngressController, TlsMode
from .config import Draft, fullname, inline_secret

__all__ = ["add_auth", "add_ingress", "AUTH_CONFIG_KEY"]

AUTH_CONFIG_KEY = "204-auth-secrets.yaml"
"""Key of the auth Secret holding a Flyte config file (the internal client's bcrypt hash), loaded through
``configuration.inlineSecretRef`` after the chart's own config files."""


def add_auth(draft: Draft) -> None:
    """``configuration.auth``: OIDC login, Flyte's own or an external authorization server, secrets by reference."""
    spec = draft.spec
    auth = spec.auth
    if not auth.enabled:
        return
    external = auth.mode is AuthMode.OIDC_EXTERNAL
    host = spec.ingress.host
    uris = list(auth.authorized_uris) or [f"{spec.ingress.scheme}://{host}" if host else "https://<FLYTE_HOST>"]
    secret_name = auth.client_secret.name
    block: dict[str, Any] = {
        "enabled": True,
        "enableAuthServer": not external,
        "oidc": {"baseUrl": auth.issuer, "clientId": auth.client_id},
        "internal": {"clientId": auth.service_client_id},
        "flyteClient": {
            "clientId": auth.login_client_id,
            "redirectUri": auth.flytectl_redirect_uri,
            "scopes": list(auth.flytectl_scopes),
        },
        "authorizedUris": uris,
        "clientSecretsExternalSecretRef": secret_name,
    }
    keys = {
        "oidc_client_secret": f"client secret of the {auth.idp.value} app {auth.client_id} (user login)",
        "client_secret": f"secret of the service client {auth.service_client_id} (propeller -> admin), plain",
    }
    if external:
        block["internal"]["audience"] = auth.external_audience
        block["flyteClient"]["audience"] = auth.external_audience
        comment = f"OIDC login at {auth.idp.value}; tokens from its authorization server; secrets from {secret_name}"
    else:
        keys[AUTH_CONFIG_KEY] = (
            "a Flyte config file: auth.appAuth.selfAuthServer.staticClients.flytepropeller.client_secret: "
            "<base64 of the bcrypt hash of client_secret: flytekit-deploy secrets auth-client>"
        )
        draft.put(
            "configuration.inlineSecretRef", secret_name, f"{AUTH_CONFIG_KEY} of {secret_name}: the hash, not inline"
        )
        comment = f"OIDC login at {auth.idp.value}; Flyte issues tokens itself; secrets from {secret_name}"
        if auth.service_client_id != "flytepropeller":
            draft.notes.append(
                "flyte-binary's own authorization server knows the service client as flytepropeller; "
                f"auth.service_client_id {auth.service_client_id!r} is used by propeller but not registered."
            )
    draft.put("configuration.auth", block, comment)
    values = {
        key: v
        for key, v in (
            ("oidc_client_secret", inline_secret(spec, auth.client_secret)),
            ("client_secret", inline_secret(spec, auth.service_client_secret)),
        )
        if v is not None
    }
    draft.secret(
        secret_name,
        keys,
        "OAuth2 client secrets of FlyteAdmin and propeller",
        ["auth.client_secret", "auth.service_client_secret"],
        values=values or None,
    )
    draft.notes.append(
        f"flyte-binary reads fixed key names from Secret {secret_name}: "
        + ", ".join(keys)
        + " (the key names of auth.client_secret / auth.service_client_secret are not used)."
    )
    if auth.service_client_secret.name != secret_name:
        draft.notes.append(
            f"flyte-binary reads both client secrets from one Secret ({secret_name}); put the service client's "
            f"secret there too (auth.service_client_secret names {auth.service_client_secret.name})."
        )


def add_ingress(draft: Draft) -> None:
    """``ingress`` (and gRPC Service annotations): class, annotations and TLS for the chosen controller."""
    spec = draft.spec
    ingress = spec.ingress
    if not ingress.chart_ingress:  # none (port-forward) or Gateway API routes (charts/gateway_api)
        if not ingress.enabled:
            draft.notes.append(
                f"No Ingress: reach Flyte with kubectl -n {spec.namespace} port-forward "
                f"svc/{fullname(spec)}-http 8088 and svc/{fullname(spec)}-grpc 8089."
            )
        return
    controller, tls = ingress.controller, ingress.tls
    block: dict[str, Any] = {}
    common: dict[str, str] = {}
    http: dict[str, str] = {}
    grpc: dict[str, str] = {}
    grpc_service: dict[str, str] = {}
    secured = tls.mode is not TlsMode.NONE
    if controller is IngressController.ALB:
        block["ingressClassName"] = "alb"
        acm = tls.mode is TlsMode.ACM
        if acm:
            common["alb.ingress.kubernetes.io/certificate-arn"] = str(tls.certificate_arn)
        common["alb.ingress.kubernetes.io/group.name"] = spec.namespace
        common["alb.ingress.kubernetes.io/listen-ports"] = '[{"HTTP": 80}, {"HTTPS":443}]' if acm else '[{"HTTP": 80}]'
        common["alb.ingress.kubernetes.io/scheme"] = "internet-facing"
        if acm:
            common["alb.ingress.kubernetes.io/ssl-redirect"] = "443"
        common["alb.ingress.kubernetes.io/target-type"] = "ip"
        grpc["alb.ingress.kubernetes.io/backend-protocol-version"] = "GRPC"
        if tls.mode in (TlsMode.CERT_MANAGER, TlsMode.SECRET):
            draft.notes.append("An ALB takes certificates from ACM only: set ingress.tls.mode: acm.")
        if not acm:
            draft.notes.append(
                "ALB without TLS: gRPC clients (flytectl, pyflyte) need HTTPS; set ingress.tls.mode: acm."
            )
    else:
        if tls.mode is TlsMode.ACM:
            draft.notes.append(f"ACM certificates work with an ALB only, not {controller.value}; no TLS is set up.")
            secured = False
        if controller is IngressController.NGINX:
            block["ingressClassName"] = "nginx"
            if secured:
                common["nginx.ingress.kubernetes.io/ssl-redirect"] = "true"
            http["nginx.ingress.kubernetes.io/app-root"] = "/console"
            grpc["nginx.ingress.kubernetes.io/backend-protocol"] = "GRPC"
            if not secured:
                draft.notes.append("ingress-nginx proxies gRPC over HTTP/2, which needs TLS: set ingress.tls.")
        elif controller is IngressController.CONTOUR:
            block["ingressClassName"] = "contour"
            grpc_service["projectcontour.io/upstream-protocol.h2c"] = "grpc"
        elif controller is IngressController.TRAEFIK:
            block["ingressClassName"] = "traefik"
            grpc_service["traefik.ingress.kubernetes.io/service.serversscheme"] = "h2c"
        elif controller is IngressController.GCE:
            common["kubernetes.io/ingress.class"] = "gce"  # GKE's controller ignores ingressClassName
            draft.notes.append(
                "GCE load balancers speak HTTP/2 to a backend only over TLS and flyte-binary's gRPC port is "
                "plaintext: gRPC clients will not get through; prefer nginx or contour for Flyte."
            )
        if secured:
            _ingress_tls(draft, block, common if not ingress.separate_grpc else http)
    if not ingress.separate_grpc and controller in (
        IngressController.NGINX,
        IngressController.ALB,
        IngressController.GCE,
    ):
        draft.notes.append(
            f"{controller.value} needs gRPC on its own Ingress (backend protocol annotations are per Ingress): "
            "set ingress.separate_grpc: true."
        )
    common.update(ingress.annotations)
    ordered: dict[str, Any] = {"create": True}
    if ingress.host:
        ordered["host"] = ingress.host
    ordered["separateGrpcIngress"] = ingress.separate_grpc
    for key, group in (("commonAnnotations", common), ("httpAnnotations", http), ("grpcAnnotations", grpc)):
        if group:
            ordered[key] = group
    ordered.update({key: block[key] for key in ("ingressClassName", "tls") if key in block})
    draft.put("ingress", ordered, f"{controller.value} Ingress for the console/HTTP API and gRPC")
    if grpc_service:
        draft.put("service.grpcAnnotations", grpc_service, f"{controller.value} proxies gRPC as h2c to this Service")


def _ingress_tls(draft: Draft, block: dict[str, Any], issuer_target: dict[str, str]) -> None:
    """TLS through cert-manager (annotation on the HTTP Ingress only, so one Certificate owns the Secret both
    Ingresses use) or an existing kubernetes.io/tls Secret."""
    spec = draft.spec
    tls = spec.ingress.tls
    if tls.mode is TlsMode.CERT_MANAGER:
        secret_name = f"{spec.name}-tls"
        issuer_target["cert-manager.io/cluster-issuer"] = str(tls.cluster_issuer)
    else:
        secret_name = str(tls.secret_name)
        draft.secret(
            secret_name,
            {"tls.crt": "certificate chain", "tls.key": "private key"},
            "TLS certificate of the Flyte host",
            ["ingress.tls.secret_name"],
            kind="tls",
        )
    entry: dict[str, Any] = {"secretName": secret_name}
    if spec.ingress.host:
        entry["hosts"] = [spec.ingress.host]
    elif tls.mode is TlsMode.CERT_MANAGER:
        draft.notes.append("cert-manager issues certificates for named hosts only: set ingress.host.")
    block["tls"] = [entry]
