"""Flow-log records from observations: every field AWS documents, in the flow log's LogFormat (pure).

A flow's volume is what the client sends (``Volume.bytes``) and what comes back (``Volume.response_bytes``); both are
cut into packets of ``PACKET_BYTES`` (named choice: a full 1500-byte Ethernet MTU, the default on AWS outside jumbo
frames), and a response of no payload is the client's data acknowledged: one ``ACK_BYTES`` packet per two data
packets (named choice: delayed ACKs of bare 40-byte TCP/IPv4 headers). TCP flags follow AWS's "short connection"
example [VPCUG "TCP flag sequence"]: SYN|FIN (3) one way, SYN-ACK|FIN (19) back; a rejected request shows SYN (2).
The client's ports are ``FIRST_CLIENT_PORT`` + the flow's index (named choice, the start of Linux's ephemeral range,
as the data plane's return-path checks use).

    >>> split(4000)
    (3, 4000)
    >>> split(0, acknowledging=3)
    (2, 80)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from ipaddress import IPv4Address, ip_address

from vpcsim.catalog import REGIONS, find_region
from vpcsim.catalog.prefix_lists import ip_ranges_services, service_cidrs
from vpcsim.dataplane.topology import Interface, Network, NetworkIndex
from vpcsim.flowlogs.fields import TGW_VERSION, format_version
from vpcsim.flowlogs.observe import Direction, Observation, TgwCrossing, Verdict

PACKET_BYTES = 1500
ACK_BYTES = 40
FIRST_CLIENT_PORT = 32768
PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1}
SYN, FIN, SYN_ACK = 2, 1, 18
# Interfaces AWS services create, whose account-id AWS may show as "unknown" [VPCUG "Available fields"].
SERVICE_MANAGED = frozenset(
    {"vpc_endpoint", "network_load_balancer", "gateway_load_balancer", "gateway_load_balancer_endpoint"}
)


@dataclass(frozen=True, slots=True)
class Volume:
    """One flow of the traffic: its index among the flows sent, and its bytes each way."""

    index: int
    bytes: int
    response_bytes: int = 0
    start: int = 0  # Unix seconds
    end: int = 0

    @property
    def client_port(self) -> int:
        return FIRST_CLIENT_PORT + self.index


def split(payload: int, *, acknowledging: int = 0) -> tuple[int, int]:
    """(packets, bytes) for ``payload`` bytes, or for the ACKs of ``acknowledging`` data packets when it is 0."""
    if payload > 0:
        return max(1, math.ceil(payload / PACKET_BYTES)), payload
    packets = max(1, math.ceil(acknowledging / 2))
    return packets, packets * ACK_BYTES


def counts(observation: Observation, volume: Volume) -> tuple[int, int]:
    request = split(volume.bytes)
    if not observation.response:
        return request
    return split(volume.response_bytes, acknowledging=request[0])


def tcp_flags(observation: Observation, protocol: str, rejected_flow: bool) -> int:
    if protocol != "tcp":
        return 0
    if observation.response:
        return SYN_ACK | FIN
    return SYN if rejected_flow else SYN | FIN


@cache
def _service_index() -> NetworkIndex[str]:
    """Public address -> ip-ranges service: the specific service before AMAZON (every subset is also in AMAZON), and
    among specific services the longest prefix, and on a tie any service before EC2 (ip-ranges lists some S3
    prefixes, e.g. 3.5.244.0/22 in eu-west-2, under EC2 as well; AWS's own example names S3 for S3 traffic)."""
    regions = ("GLOBAL", *REGIONS)
    pairs = [
        (network, service)
        for region in regions
        for service in ip_ranges_services(region)
        for network in service_cidrs(region, service)
        if isinstance(network, Network)
    ]
    specific = sorted((p for p in pairs if p[1] != "AMAZON"), key=lambda p: (-p[0].prefixlen, p[1] == "EC2"))
    return NetworkIndex(specific + [p for p in pairs if p[1] == "AMAZON"])


def aws_service(address: str) -> str:
    """``S3``, ``DYNAMODB``, ``AMAZON``... for an address in AWS's published ranges, else '-'.

    >>> aws_service("3.5.244.10"), aws_service("10.0.0.1")
    ('S3', '-')
    """
    try:
        parsed = ip_address(address)
    except ValueError:
        return "-"
    if not isinstance(parsed, IPv4Address) or parsed.is_private:
        return "-"
    return _service_index().first(parsed) or "-"


def zone_id(region: str, zone: str) -> str:
    found = find_region(region)
    where = found.find_zone(zone) if found else None
    return where.zone_id if where else "-"


def _ip_type(address: str) -> str:
    return "IPv6" if ":" in address else "IPv4"


def _dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def vpc_values(observation: Observation, volume: Volume, protocol: str, rejected_flow: bool) -> dict[str, str]:
    """Every VPC flow-log field's value for one observation of one flow ('-' where a field does not apply)."""
    iface, packet = observation.interface, observation.packet
    packets, size = counts(observation, volume)
    source_port = packet.source_port if packet.source_port is not None else volume.client_port
    dest_port = packet.destination_port if packet.destination_port is not None else volume.client_port
    no_ports = protocol == "icmp"
    values = {
        "account-id": "unknown" if iface.kind in SERVICE_MANAGED else iface.account,
        "interface-id": iface.id,
        "srcaddr": observation.srcaddr,
        "dstaddr": observation.dstaddr,
        "srcport": "0" if no_ports else str(source_port),
        "dstport": "0" if no_ports else str(dest_port),
        "protocol": str(PROTOCOLS.get(protocol, 0)),
        "packets": str(packets),
        "bytes": str(size),
        "start": str(volume.start),
        "end": str(volume.end),
        "action": observation.action.value,
        "log-status": "OK",
        **_v3_to_v5(observation, iface, protocol, rejected_flow),
    }
    return values


def _v3_to_v5(observation: Observation, iface: Interface, protocol: str, rejected_flow: bool) -> dict[str, str]:
    packet = observation.packet
    egress = observation.direction is Direction.EGRESS
    return {
        "vpc-id": iface.vpc_id,
        "subnet-id": iface.subnet_id,
        "instance-id": iface.owner if iface.owner.startswith("i-") else "-",
        "tcp-flags": str(tcp_flags(observation, protocol, rejected_flow)),
        "type": _ip_type(packet.source),
        "pkt-srcaddr": packet.source,
        "pkt-dstaddr": packet.destination,
        "region": iface.region,
        "az-id": iface.zone_id or zone_id(iface.region, iface.zone),
        "sublocation-type": "-",
        "sublocation-id": "-",
        "pkt-src-aws-service": aws_service(packet.source),
        "pkt-dst-aws-service": aws_service(packet.destination),
        "flow-direction": observation.direction.value,
        "traffic-path": _dash(observation.traffic_path) if egress else "-",
    }


def vpc_record(
    fields: tuple[str, ...], observation: Observation, volume: Volume, protocol: str, rejected_flow: bool
) -> list[str]:
    """One record's values in the format's order; ``version`` is the format's [VPCUG "Available fields"]."""
    values = vpc_values(observation, volume, protocol, rejected_flow)
    values["version"] = str(format_version(fields))
    return [values.get(f, "-") for f in fields]


def tgw_values(crossing: TgwCrossing, ingress: bool, owner: str, volume: Volume, protocol: str) -> dict[str, str]:
    """A transit gateway flow-log record [TGW flow log records]: ``ingress`` is the record of the attachment the
    packet entered by, the other the one it left by; packets lost are 0 for a path the data plane completed."""
    src, dst = crossing.ingress_interface, crossing.egress_interface
    packets, size = split(volume.bytes)
    packet = crossing.packet
    side: Callable[[Interface | None, Callable[[Interface], str]], str] = lambda i, f: f(i) if i else "-"  # noqa: E731
    return {
        "version": str(TGW_VERSION),
        "resource-type": "TransitGateway",
        "account-id": owner,
        "tgw-id": crossing.gateway,
        "tgw-attachment-id": crossing.ingress if ingress else crossing.egress,
        "tgw-pair-attachment-id": crossing.egress if ingress else crossing.ingress,
        "tgw-src-vpc-account-id": side(src, lambda i: i.account),
        "tgw-dst-vpc-account-id": side(dst, lambda i: i.account),
        "tgw-src-vpc-id": side(src, lambda i: i.vpc_id),
        "tgw-dst-vpc-id": side(dst, lambda i: i.vpc_id),
        "tgw-src-subnet-id": side(src, lambda i: i.subnet_id),
        "tgw-dst-subnet-id": side(dst, lambda i: i.subnet_id),
        "tgw-src-eni": side(src, lambda i: i.id),
        "tgw-dst-eni": side(dst, lambda i: i.id),
        "tgw-src-az-id": side(src, lambda i: i.zone_id or zone_id(i.region, i.zone)),
        "tgw-dst-az-id": side(dst, lambda i: i.zone_id or zone_id(i.region, i.zone)),
        "srcaddr": packet.source,
        "dstaddr": packet.destination,
        "srcport": str(packet.source_port if packet.source_port is not None else volume.client_port),
        "dstport": _dash(packet.destination_port),
        "protocol": str(PROTOCOLS.get(protocol, 0)),
        "packets": str(packets),
        "bytes": str(size),
        "start": str(volume.start),
        "end": str(volume.end),
        "log-status": "OK",
        "type": _ip_type(packet.source),
        **dict.fromkeys(
            (
                "packets-lost-no-route",
                "packets-lost-blackhole",
                "packets-lost-mtu-exceeded",
                "packets-lost-ttl-expired",
            ),
            "0",
        ),
        "tcp-flags": str(SYN | FIN if protocol == "tcp" else 0),
        "region": _region(src, dst),
        "flow-direction": "ingress" if ingress else "egress",
        "pkt-src-aws-service": aws_service(packet.source),
        "pkt-dst-aws-service": aws_service(packet.destination),
    }


def _region(*interfaces: Interface | None) -> str:
    return next((i.region for i in interfaces if i is not None), "-")


def tgw_record(fields: tuple[str, ...], values: Mapping[str, str]) -> list[str]:
    return [values.get(f, "-") for f in fields]


def accepted(observation: Observation) -> bool:
    return observation.action is Verdict.ACCEPT
