"""Client addresses as per-address limits count them; no framework, so domain and use cases may use it."""

from __future__ import annotations

import ipaddress


def client_network(address: str) -> str:
    """What per-address limits count by: an IPv4 address, or an IPv6 /64 (one host, many addresses)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped or parsed) if parsed.version == 6 else str(parsed)
