"""An OpenID provider over HTTP (requests + cryptography): discovery, JWKS, code exchange, RS256 check."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from auth_service.domain.id_token import IdTokenInvalid, SignedToken, b64url_decode
from auth_service.ports import OpenIdProvider, OpenIdProviderError

DISCOVERY_TTL_SECONDS = 3600
JWKS_REFRESH_MIN_SECONDS = 60


def rsa_public_key(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    try:
        n = int.from_bytes(b64url_decode(jwk["n"]), "big")
        e = int.from_bytes(b64url_decode(jwk["e"]), "big")
    except (KeyError, TypeError) as error:
        raise IdTokenInvalid("the provider's key is malformed") from error
    return rsa.RSAPublicNumbers(e, n).public_key()


class HttpOpenIdProvider(OpenIdProvider):
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: str,
        timeout_seconds: float,
        clock_skew: timedelta,
        http: requests.Session | None = None,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.clock_skew = clock_skew
        self._client_secret = client_secret
        self._redirect_uri = redirect_uri
        self._scopes = scopes
        self._timeout = timeout_seconds
        self._http = http or requests.Session()
        self._lock = threading.Lock()
        self._discovery: dict[str, Any] | None = None
        self._discovered_at = 0.0
        self._keys: list[dict[str, Any]] = []
        self._keys_fetched_at = 0.0

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, timeout=self._timeout, allow_redirects=False)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            raise OpenIdProviderError(f"could not read {url}: {error}") from error
        if not isinstance(body, dict):
            raise OpenIdProviderError(f"{url} did not answer a JSON object")
        return body

    def discovery(self) -> dict[str, Any]:
        with self._lock:
            if self._discovery is None or time.monotonic() - self._discovered_at > DISCOVERY_TTL_SECONDS:
                document = self._get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
                if document.get("issuer") != self.issuer:
                    raise OpenIdProviderError("the discovery document names another issuer")
                for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(document.get(field), str):
                        raise OpenIdProviderError(f"the discovery document has no {field}")
                self._discovery, self._discovered_at = document, time.monotonic()
            return self._discovery

    def authorization_url(self, params: dict[str, str]) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self._redirect_uri,
            "scope": self._scopes,
            **params,
        }
        return self.discovery()["authorization_endpoint"] + "?" + urlencode(query)

    def exchange_code(self, *, code: str, code_verifier: str) -> str:
        document = self.discovery()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._redirect_uri,
            "code_verifier": code_verifier,
        }
        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        auth = None
        if "client_secret_basic" in methods:
            # RFC 6749 2.3.1: form-encode id and secret before Basic authentication.
            auth = (quote(self.client_id, safe=""), quote(self._client_secret, safe=""))
        else:
            data |= {"client_id": self.client_id, "client_secret": self._client_secret}
        try:
            response = self._http.post(
                document["token_endpoint"],
                data=data,
                auth=auth,
                timeout=self._timeout,
                allow_redirects=False,
                headers={"Accept": "application/json"},
            )
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            raise OpenIdProviderError(f"token endpoint unreachable or not JSON: {error}") from error
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise OpenIdProviderError(f"token endpoint refused the code ({response.status_code} {error})")
        id_token = body.get("id_token")
        if not isinstance(id_token, str):
            raise OpenIdProviderError("the token response has no id_token")
        return id_token

    def _fetch_keys(self, *, force: bool) -> list[dict[str, Any]]:
        with self._lock:
            stale = time.monotonic() - self._keys_fetched_at > DISCOVERY_TTL_SECONDS
            may_refresh = time.monotonic() - self._keys_fetched_at > JWKS_REFRESH_MIN_SECONDS
            if not self._keys or stale or (force and may_refresh):
                jwks_uri = (self._discovery or {}).get("jwks_uri")
                if not jwks_uri:
                    raise IdTokenInvalid("the provider's keys are unknown")
                keys = self._get_json(jwks_uri).get("keys")
                self._keys = [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []
                self._keys_fetched_at = time.monotonic()
            return self._keys

    @staticmethod
    def _matching(keys: list[dict[str, Any]], kid: str | None) -> list[dict[str, Any]]:
        candidates = [
            k
            for k in keys
            if k.get("kty") == "RSA" and k.get("use", "sig") == "sig" and k.get("alg", "RS256") == "RS256"
        ]
        if kid is not None:
            return [k for k in candidates if k.get("kid") == kid]
        return candidates

    def verify_signature(self, token: SignedToken) -> None:
        self.discovery()
        try:
            keys = self._matching(self._fetch_keys(force=False), token.kid)
            if not keys:  # the provider may have rotated its keys since we fetched them
                keys = self._matching(self._fetch_keys(force=True), token.kid)
        except OpenIdProviderError as error:
            raise IdTokenInvalid(str(error)) from error
        if not keys:
            raise IdTokenInvalid("no RS256 key of the provider matches the token's kid")
        for jwk in keys:
            try:
                rsa_public_key(jwk).verify(
                    token.signature, token.signing_input, padding.PKCS1v15(), hashes.SHA256()
                )
                return
            except (InvalidSignature, ValueError):
                continue
        raise IdTokenInvalid("the signature does not verify with the provider's keys")
