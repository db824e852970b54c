"""The gateway's per-address limits count an IPv6 client by its /64, exactly as the services do.

A real nginx with the gateway's own map (gateway/nginx/client_network.conf) answers $client_network for an
address given through X-Forwarded-For (its peer, loopback, is the trusted proxy here); the answer must name
the same network for every address of a /64, and a different one outside it, as hospital_shared.web does.
"""

from __future__ import annotations

import ipaddress
import random
import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

from gateway.render import GATEWAY_DIR
from hospital_shared.network import client_network
from hospital_testing import free_port


@pytest.fixture(scope="module")
def echo_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of an nginx that answers the $client_network of the address in X-Forwarded-For."""
    directory = tmp_path_factory.mktemp("client-network")
    port = free_port()
    (directory / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {directory};
    proxy_temp_path {directory};
    fastcgi_temp_path {directory};
    uwsgi_temp_path {directory};
    scgi_temp_path {directory};
    include {GATEWAY_DIR}/nginx/client_network.conf;
    server {{
        listen 127.0.0.1:{port};
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
        location / {{ return 200 "$remote_addr $client_network"; }}
    }}
}}
"""
    )
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", str(directory / "nginx.conf"), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    nginx.terminate()
    nginx.wait(timeout=10)


def nginx_network(url: str, address: str) -> str:
    remote, network = requests.get(url, headers={"X-Forwarded-For": address}, timeout=5).text.split()
    assert ipaddress.ip_address(remote) == ipaddress.ip_address(address)
    return network


def _as_key(network: str) -> str:
    """hospital_shared.web.client_network's answer written as the gateway's key (four groups, or an IPv4)."""
    if "/" not in network:
        return network
    groups = ipaddress.ip_network(network).network_address.exploded.split(":")[:4]
    return ":".join(f"{int(group, 16):x}" for group in groups)


def _addresses() -> list[str]:
    """IPv6 addresses with zero runs in every place nginx may compress one, and a few IPv4 ones."""
    rng = random.Random(64)
    found = ["2001:db8::1", "2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1:2:3:4", "::1", "fe80::1", "1::", "::"]
    found += ["1:0:0:2:3:4:5:6", "0:0:1:2:3:4:5:6", "0:0:0:1:2:3:4:5", "1:2:3:0:0:4:5:6", "::ffff:192.0.2.1"]
    found += ["192.0.2.7", "198.51.100.255", "2a00:1450:4001:82b::200e"]
    for _ in range(300):
        groups = [rng.choice([0, 0, 0, 1, 0xABC, rng.randrange(0x10000)]) for _ in range(8)]
        found.append(str(ipaddress.IPv6Address(":".join(f"{g:x}" for g in groups))))
    return found


def test_the_gateway_keys_every_address_as_the_services_do(echo_network: str) -> None:
    mismatches = {
        address: (nginx_network(echo_network, address), _as_key(client_network(address)))
        for address in _addresses()
    }
    mismatches = {a: pair for a, pair in mismatches.items() if pair[0] != pair[1]}
    assert mismatches == {}


def test_two_addresses_of_one_ipv6_64_share_a_limit_and_the_next_64_does_not(echo_network: str) -> None:
    one = nginx_network(echo_network, "2001:db8:aa:bb:1::1")
    assert nginx_network(echo_network, "2001:db8:aa:bb:ffff:ffff:ffff:ffff") == one
    assert nginx_network(echo_network, "2001:db8:aa:bb::") == one
    assert nginx_network(echo_network, "2001:db8:aa:bc::1") != one
    assert nginx_network(echo_network, "192.0.2.1") != nginx_network(echo_network, "192.0.2.2")
