"""The other services' readiness, as their /readyz endpoints report it."""
