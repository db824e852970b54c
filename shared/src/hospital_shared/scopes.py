"""What an integration's API key may be allowed to do (no framework imports: domains use it too)."""

from __future__ import annotations

INTEGRATION_ROLE = "integration"
SCOPES = frozenset(
    {"directory:read", "slots:read", "patients:write", "appointments:read", "appointments:write"}
)
