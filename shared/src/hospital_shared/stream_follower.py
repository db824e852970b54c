"""Kept so `from hospital_shared.stream_follower import ...` goes on working: the follower now lives in
hospital_shared.events.follower, and hospital_shared.events names it too."""

from hospital_shared.events.follower import (
    StreamCursor,
    StreamEntries,
    StreamFollower,
    apply_after_cursor,
)

__all__ = ["StreamCursor", "StreamEntries", "StreamFollower", "apply_after_cursor"]
