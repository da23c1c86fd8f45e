"""Authentication: who may call FlyteAdmin and how tokens are issued."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator, model_validator

from .base import SecretRef, SpecModel
from .validators import check_https_url, invalid

__all__ = ["AuthMode", "IdentityProvider", "Auth"]


class AuthMode(str, Enum):
    """``none`` is for sandbox and development only. With OIDC, tokens come from Flyte's own authorization server
    (``internal``) or from the IdP's (``external``)."""

    NONE = "none"
    OIDC_INTERNAL = "oidc-internal"
    OIDC_EXTERNAL = "oidc-external"


class IdentityProvider(str, Enum):
    OKTA = "okta"
    GOOGLE = "google"
    ENTRA_ID = "entra-id"
    AUTH0 = "auth0"
    KEYCLOAK = "keycloak"
    GENERIC = "generic"


class Auth(SpecModel):
    """OIDC login for people, and OAuth2 client credentials for Flyte's own services."""

    mode: AuthMode = Field(default=AuthMode.NONE, description="none, oidc-internal or oidc-external.")
    idp: IdentityProvider = Field(default=IdentityProvider.GENERIC, description="The OpenID Connect provider.")
    issuer: str = Field(
        default="<OIDC_ISSUER_URL>",
        description="OIDC issuer (base URL), e.g. https://dev-1234.okta.com/oauth2/default.",
    )
    client_id: str = Field(default="<OIDC_CLIENT_ID>", description="Client ID of the web app registered in the IdP.")
    client_secret: SecretRef = Field(
        default_factory=lambda: SecretRef(name="flyte-secret-auth", key="oidc_client_secret"),
        description="Secret with the IdP client secret (key oidc_client_secret).",
    )
    user_scopes: list[str] = Field(default_factory=lambda: ["openid", "profile"], description="Login scopes.")
    flytectl_client_id: str = Field(
        default="flytectl", description="Public client flytectl/pyflyte log in with (external IdP: its own client id)."
    )
    flytectl_redirect_uri: str = Field(
        default="http://localhost:53593/callback", description="Redirect URI of the flytectl client."
    )
    flytectl_scopes: list[str] = Field(default_factory=lambda: ["offline", "all"], description="flytectl scopes.")
    authorized_uris: list[str] = Field(
        default_factory=list,
        description="URIs FlyteAdmin accepts as audience. Empty: https://<ingress host> and the in-cluster names.",
    )
    service_client_id: str = Field(
        default="flytepropeller",
        description="Client ID propeller and the scheduler use (client credentials). With an external server, "
        "the ID of the app registered there.",
    )
    service_client_secret: SecretRef = Field(
        default_factory=lambda: SecretRef(name="flyte-secret-auth", key="client_secret"),
        description="Secret with the service client secret (flyte-core mounts flyte-secret-auth).",
    )
    external_audience: str | None = Field(
        default=None, description="External server: the audience tokens are issued for (e.g. api://flyte)."
    )
    external_scopes: list[str] = Field(
        default_factory=lambda: ["all"], description="External server: scopes the service client requests."
    )

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return check_https_url(value, "issuer URL")

    @field_validator("flytectl_redirect_uri")
    @classmethod
    def _redirect(cls, value: str) -> str:
        return check_https_url(value, "redirect URI", allow_http=True)

    @field_validator("authorized_uris")
    @classmethod
    def _uris(cls, value: list[str]) -> list[str]:
        return [check_https_url(v, "authorized URI", allow_http=True) for v in value]

    @model_validator(mode="after")
    def _external(self) -> Auth:
        if self.mode is AuthMode.OIDC_EXTERNAL and not self.external_audience:
            raise invalid(
                "an external authorization server needs the audience its tokens are issued for",
                "set auth.external_audience (for example api://flyte, or the issuer's default audience)",
                "external_audience",
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.mode is not AuthMode.NONE

    @property
    def login_client_id(self) -> str:
        """The public client people log in with. ``flytectl`` exists only on Flyte's own auth server: with an
        external IdP it must be that IdP's client id, so the untouched default becomes a placeholder to fill."""
        if self.mode is AuthMode.OIDC_EXTERNAL and self.flytectl_client_id == "flytectl":
            return "<IDP_PUBLIC_CLIENT_ID>"
        return self.flytectl_client_id
