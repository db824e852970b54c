"""Per-recipient mail quota in Redis: a counter per address and window that expires by itself."""

from __future__ import annotations

import redis

from auth_service.ports import RecipientMailLimit

PREFIX = "auth:mail-quota:"

# One step: count only while under the limit, and start the window's clock at the first mail.
_TAKE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if count == 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""


class RedisRecipientMailLimit(RecipientMailLimit):
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._take = client.register_script(_TAKE)

    def take(self, recipient_key: str, *, limit: int, window_seconds: int) -> bool:
        return bool(self._take(keys=[PREFIX + recipient_key], args=[limit, window_seconds]))
