"""OpenID sign-ins in flight (state -> nonce, PKCE verifier, browser binding), single use, short-lived."""

from __future__ import annotations

import hashlib
import json
import uuid

import redis

from auth_service.ports import PendingSignIn, PendingSignInStore

PREFIX = "auth:oidc-pending:"


def _key(state: str) -> str:
    return PREFIX + hashlib.sha256(state.encode("utf-8")).hexdigest()


class RedisPendingSignInStore(PendingSignInStore):
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def put(self, state: str, pending: PendingSignIn, *, ttl_seconds: int) -> None:
        value = {
            "nonce": pending.nonce,
            "code_verifier": pending.code_verifier,
            "browser_binding_hash": pending.browser_binding_hash,
            "link_user_id": str(pending.link_user_id) if pending.link_user_id else None,
            "link_session_id": str(pending.link_session_id) if pending.link_session_id else None,
            "link_password_digest": pending.link_password_digest,
        }
        self._redis.set(_key(state), json.dumps(value), ex=ttl_seconds)

    def pop(self, state: str) -> PendingSignIn | None:
        raw = self._redis.getdel(_key(state))  # atomic: a replayed callback finds nothing
        if not raw:
            return None
        data = json.loads(raw)
        return PendingSignIn(
            nonce=data["nonce"],
            code_verifier=data["code_verifier"],
            browser_binding_hash=data["browser_binding_hash"],
            link_user_id=_uuid_or_none(data.get("link_user_id")),
            link_session_id=_uuid_or_none(data.get("link_session_id")),
            link_password_digest=data.get("link_password_digest"),
        )


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None
