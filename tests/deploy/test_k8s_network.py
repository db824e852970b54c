"""The NetworkPolicies, evaluated: which pod may open a TCP connection to which pod and port.

A connection is allowed when a policy selecting the source allows it out and one selecting the destination
allows it in (a pod no policy selects for a direction is open that way, as in Kubernetes). Destinations
outside the cluster (ipBlock) are not pods and are left out; "outside" is any client from another namespace.
"""

from __future__ import annotations

import pytest

from tests.deploy.kustomize import OVERLAYS, of_kind, pod_templates, rendered, selector_matches
from tests.deploy.service_settings import PORTS, settings_class

OUTSIDE = "outside"


def pods(documents: list[dict]) -> dict[str, tuple[dict, dict[object, int]]]:
    """Each pod template by its app label: (labels, {port name or number: number})."""
    found = {}
    for _, template in pod_templates(documents):
        ports = {}
        for container in template["spec"]["containers"]:
            for port in container.get("ports", []):
                ports[port["containerPort"]] = port["containerPort"]
                if "name" in port:
                    ports[port["name"]] = port["containerPort"]
        found[template["metadata"]["labels"]["app"]] = (template["metadata"]["labels"], ports)
    return found


def peer_matches(peers: list[dict] | None, labels: dict | None) -> bool:
    if peers is None:
        return True  # no `from` / `to`: every source or destination
    for peer in peers:
        if "ipBlock" in peer:
            continue  # addresses outside the cluster, not pods
        if "namespaceSelector" in peer:
            return True  # other namespaces: treat as anyone
        if labels is not None and selector_matches(peer["podSelector"], labels):
            return True
    return False


def port_matches(rule_ports: list[dict] | None, port: int, named_ports: dict[object, int]) -> bool:
    if rule_ports is None:
        return True
    for rule in rule_ports:
        number = named_ports.get(rule["port"], rule["port"])
        if number == port or (rule.get("endPort") and number <= port <= rule["endPort"]):
            return True
    return False


def allowed(policies: list[dict], world: dict, source: str, target: str, port: int) -> bool:
    source_labels = None if source == OUTSIDE else world[source][0]
    target_labels, target_ports = world[target]
    source_ports = {} if source == OUTSIDE else world[source][1]
    del source_ports  # named ports in egress rules refer to the destination's ports

    def direction(kind: str, selected: dict | None, peer: dict | None, key: str) -> bool:
        applying = [
            policy
            for policy in policies
            if selected is not None
            and kind in policy["spec"].get("policyTypes", ["Ingress"])
            and selector_matches(policy["spec"]["podSelector"], selected)
        ]
        if selected is None or not applying:
            return True
        return any(
            peer_matches(rule.get(key), peer) and port_matches(rule.get("ports"), port, target_ports)
            for policy in applying
            for rule in policy["spec"].get(kind.lower(), [])
        )

    return direction("Egress", source_labels, target_labels, "to") and direction(
        "Ingress", target_labels, source_labels, "from"
    )


def reachable(documents: list[dict]) -> set[tuple[str, str, int]]:
    world = pods(documents)
    policies = of_kind(documents, "NetworkPolicy")
    return {
        (source, target, port)
        for source in [*world, OUTSIDE]
        for target, (_, ports) in world.items()
        for port in set(ports.values())
        if source != target and allowed(policies, world, source, target, port)
    }


def internal_calls() -> set[tuple[str, str]]:
    """(caller, callee) for every `<callee>_internal_url` a service's settings read."""
    return {
        (service, field.removesuffix("_internal_url"))
        for service in PORTS
        for field in settings_class(service).__dataclass_fields__
        if field.endswith("_internal_url")
    }


def mail_senders() -> set[str]:
    return {service for service in PORTS if "smtp_url" in settings_class(service).__dataclass_fields__}


def expected(documents: list[dict]) -> set[tuple[str, str, int]]:
    world = pods(documents)
    edges = {("gateway", service, port) for service, port in PORTS.items()}
    edges |= {(OUTSIDE, "gateway", 8080)}
    edges |= {(caller, callee, PORTS[callee]) for caller, callee in internal_calls()}
    if "postgres" in world:
        edges |= {(client, "postgres", 5432) for client in PORTS} | {
            (f"{service}-migrate", "postgres", 5432) for service in PORTS
        }
        edges |= {(client, "redis", 6379) for client in PORTS}
    if "mailpit" in world:
        edges |= {(sender, "mailpit", 1025) for sender in mail_senders()}
    if "prometheus" in world:
        edges |= {("prometheus", service, port) for service, port in PORTS.items()}
    return edges


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_denied_everything_it_is_not_explicitly_allowed(overlay: str) -> None:
    policies = of_kind(rendered(overlay), "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and "ingress" not in p["spec"]]
    assert any(
        {"Ingress", "Egress"} <= set(p["spec"]["policyTypes"]) and "egress" not in p["spec"] for p in deny
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_the_services_own_callers_and_the_stores_clients_connect(overlay: str) -> None:
    documents = rendered(overlay)
    allowed_here, wanted = reachable(documents), expected(documents)
    assert not allowed_here - wanted, f"allowed but not needed: {sorted(allowed_here - wanted)}"
    assert not wanted - allowed_here, f"needed but refused: {sorted(wanted - allowed_here)}"


def test_the_services_calls_to_each_other_are_the_ones_their_configs_name() -> None:
    assert internal_calls() == {
        ("patient", "appointment"),
        ("doctor", "auth"),
        ("appointment", "auth"),
        ("appointment", "patient"),
        ("appointment", "doctor"),
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_traffic_leaving_the_cluster_goes_to_public_addresses_or_the_managed_stores(
    overlay: str,
) -> None:
    private = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"}
    for policy in of_kind(rendered(overlay), "NetworkPolicy"):
        for rule in policy["spec"].get("egress", []):
            for peer in rule.get("to", []):
                block = peer.get("ipBlock")
                if block and block["cidr"] == "0.0.0.0/0" and policy["metadata"]["name"] != "prometheus":
                    assert private <= set(block.get("except", [])), policy["metadata"]["name"]
    if overlay == "prod":
        names = {p["metadata"]["name"]: p for p in of_kind(rendered(overlay), "NetworkPolicy")}
        for store in ("postgres-clients", "redis-clients"):
            assert "ipBlock" in names[store]["spec"]["egress"][0]["to"][0], (
                f"{store}: the managed store's range"
            )
