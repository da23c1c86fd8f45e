"""Authentication rules: who can reach FlyteAdmin, and whether logging in can work at all.

The spec already refuses a production deployment without authentication; these rules catch what still
goes wrong: a public endpoint without auth, an issuer or client left as a placeholder, a flytectl redirect
that cannot reach the person's machine, and the service client ID an external server does not know.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from ...clouds import cloud_of
from ...spec import AuthMode, IdentityProvider, TlsMode, is_placeholder
from ..findings import Finding
from ._base import ERROR, INFO, WARNING, Rule, RuleContext, finding

__all__ = ["RULES"]

CHAPTER = "security"
_GENERATED_IDS = (IdentityProvider.OKTA, IdentityProvider.ENTRA_ID, IdentityProvider.AUTH0, IdentityProvider.GOOGLE)
_LOCAL = ("localhost", "127.0.0.1", "::1")


def public_unauthenticated(ctx: RuleContext) -> Iterator[Finding]:
    """A cloud ingress with a host and no auth: anyone who finds the name can run code in the cluster."""
    spec = ctx.spec
    if spec.auth.enabled or spec.is_sandbox or not cloud_of(spec).public_cloud:
        return
    if spec.ingress.enabled and spec.ingress.host:
        yield finding(
            WARNING,
            "auth.mode",
            f"FlyteAdmin is published at {spec.ingress.host} on {spec.environment.value} without authentication: "
            "anyone who reaches the name can register and run workflows with the cluster's cloud permissions",
            "set auth.mode: oidc-internal (or oidc-external), or keep the ingress internal to your network",
            CHAPTER,
            "auth.public-unauthenticated",
        )


def plain_http(ctx: RuleContext) -> Iterator[Finding]:
    """Tokens and login cookies over plain http: the browser drops secure cookies and logins loop."""
    spec = ctx.spec
    if spec.auth.enabled and spec.ingress.enabled and spec.ingress.tls.mode is TlsMode.NONE and not spec.is_sandbox:
        yield finding(
            WARNING,
            "ingress.tls.mode",
            "authentication is on but the ingress has no TLS: tokens cross the network in clear text and browsers "
            "refuse the secure login cookies",
            "set ingress.tls.mode (cert-manager, acm or secret)",
            CHAPTER,
            "auth.no-tls",
        )


def issuer(ctx: RuleContext) -> Iterator[Finding]:
    """The issuer is the base URL the discovery document hangs off; placeholders stop every login.

    (An http issuer is already refused by the spec itself.)"""
    auth = ctx.spec.auth
    if not auth.enabled:
        return
    for field in ("issuer", "client_id"):
        value = getattr(auth, field)
        if is_placeholder(value):
            yield finding(
                WARNING,
                f"auth.{field}",
                f"auth.{field} is still the placeholder {value}: nobody can log in",
                f"set auth.{field} from the app registered in your identity provider",
                CHAPTER,
                "auth.idp-placeholder",
            )
    if is_placeholder(auth.issuer):
        return
    parts = urlsplit(auth.issuer)
    if ".well-known" in parts.path:
        yield finding(
            ERROR,
            "auth.issuer",
            "the issuer includes the discovery document path; FlyteAdmin appends /.well-known/openid-configuration "
            "itself and would fetch it twice over",
            f"set auth.issuer: {auth.issuer.split('/.well-known', 1)[0]}",
            CHAPTER,
            "auth.issuer",
        )
    if auth.mode is AuthMode.OIDC_EXTERNAL and auth.idp is IdentityProvider.GOOGLE:
        yield finding(
            ERROR,
            "auth.mode",
            "Google cannot be Flyte's external authorization server: it issues no access tokens with a custom "
            "audience or scopes",
            "use auth.mode: oidc-internal with Google as the login provider",
            CHAPTER,
            "auth.external-server",
        )
    if auth.mode is AuthMode.OIDC_EXTERNAL and auth.idp is IdentityProvider.OKTA and "/oauth2/" not in parts.path:
        yield finding(
            WARNING,
            "auth.issuer",
            "an Okta org issuer cannot mint access tokens for a custom audience; an external authorization server "
            "needs a custom authorization server",
            "use the issuer of an Okta authorization server, e.g. https://<org>.okta.com/oauth2/default",
            CHAPTER,
            "auth.external-server",
        )


def redirect_uri(ctx: RuleContext) -> Iterator[Finding]:
    """flytectl and pyflyte catch the login redirect with a listener on the person's own machine."""
    auth = ctx.spec.auth
    if not auth.enabled or is_placeholder(auth.flytectl_redirect_uri):
        return
    parts = urlsplit(auth.flytectl_redirect_uri)
    if parts.hostname not in _LOCAL:
        yield finding(
            ERROR,
            "auth.flytectl_redirect_uri",
            f"the flytectl redirect URI goes to {parts.hostname}; flytectl listens for it on localhost, so the "
            "login never completes",
            "set auth.flytectl_redirect_uri: http://localhost:53593/callback",
            CHAPTER,
            "auth.redirect-uri",
        )
    elif parts.scheme != "http" or parts.port is None:
        yield finding(
            WARNING,
            "auth.flytectl_redirect_uri",
            f"flytectl's callback listener speaks plain http on a fixed port; {auth.flytectl_redirect_uri} "
            "will not reach it",
            "set auth.flytectl_redirect_uri: http://localhost:53593/callback (and register it in the IdP)",
            CHAPTER,
            "auth.redirect-uri",
        )


def service_client(ctx: RuleContext) -> Iterator[Finding]:
    """With an external server, propeller's client-credentials login uses an app registered there."""
    auth = ctx.spec.auth
    if auth.mode is not AuthMode.OIDC_EXTERNAL or auth.service_client_id != "flytepropeller":
        return
    generated = auth.idp in _GENERATED_IDS
    yield finding(
        ERROR if generated else WARNING,
        "auth.service_client_id",
        "auth.service_client_id is still flytepropeller, the ID of Flyte's own authorization server; "
        + (
            f"{auth.idp.value} generates client IDs, so propeller's token request is refused"
            if generated
            else "unless you registered a client with exactly that ID, propeller's token request is refused"
        ),
        "register a confidential client (client credentials) for propeller in the IdP and set "
        "auth.service_client_id to its ID and auth.service_client_secret to its Secret",
        CHAPTER,
        "auth.service-client-id",
    )


def sandbox_auth(ctx: RuleContext) -> Iterator[Finding]:
    """Auth in the sandbox works but needs a reachable IdP and a redirect to localhost; say so."""
    spec = ctx.spec
    if spec.is_sandbox and spec.auth.enabled:
        yield finding(
            INFO,
            "auth.mode",
            "authentication in the sandbox: the IdP must accept redirects to http://localhost:30080",
            "register http://localhost:30080/callback in the IdP, or use auth.mode: none for the sandbox",
            "sandbox",
            "auth.sandbox",
        )


RULES: tuple[Rule, ...] = (public_unauthenticated, plain_http, issuer, redirect_uri, service_client, sandbox_auth)
