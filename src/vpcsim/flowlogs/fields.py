"""The flow-log record fields AWS documents, with the version that introduced each, and the LogFormat they make.

VPC flow logs [VPCUG "Flow log records", "Available fields"]: the default format is the version 2 fields in the
table's order; a custom format names any fields, in any order, as ``${field}`` separated by spaces, and its records'
``version`` is the highest version among the fields chosen. Transit gateway flow logs [TGW "Transit Gateway Flow
Log records"] have fields of their own (version 6) and, without a LogFormat, every one of them.

    >>> parse_format("${version} ${srcaddr} ${traffic-path}")
    ('version', 'srcaddr', 'traffic-path')
    >>> format_version(("srcaddr", "vpc-id", "az-id"))
    4
    >>> unknown_fields("${srcaddr} ${windowstart}")
    ['windowstart']
"""

from __future__ import annotations

import re

_FIELD = re.compile(r"\$\{([^}]*)\}")


def _names(text: str) -> list[str]:
    """Field names written as the documentation's tables list them, one space apart."""
    return text.split()


# Field -> the VPC Flow Logs version that introduced it, in the documentation table's order.
VPC_FIELDS: dict[str, int] = {
    **dict.fromkeys(
        _names(
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
            "action log-status"
        ),
        2,
    ),
    **dict.fromkeys(_names("vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr"), 3),
    **dict.fromkeys(_names("region az-id sublocation-type sublocation-id"), 4),
    **dict.fromkeys(_names("pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"), 5),
    # v7 (ECS) and v8 (reject-reason) exist in AWS's current table; vpcsim accepts them and writes '-' (no ECS tasks,
    # no VPC Block Public Access), which is what AWS writes where a field does not apply.
    **dict.fromkeys(
        _names(
            "ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id "
            "ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id"
        ),
        7,
    ),
    "reject-reason": 8,
}

DEFAULT_FIELDS: tuple[str, ...] = tuple(f for f, v in VPC_FIELDS.items() if v == 2)

# Transit gateway flow log fields, in the order of the default (all-fields) format [TGW flow log records].
TGW_FIELDS: tuple[str, ...] = tuple(
    _names(
        "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id "
        "tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id "
        "tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
        "log-status type packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded "
        "packets-lost-ttl-expired tcp-flags region flow-direction pkt-src-aws-service pkt-dst-aws-service"
    )
)
TGW_VERSION = 6


def as_format(fields: tuple[str, ...]) -> str:
    """``('version', 'srcaddr')`` -> ``'${version} ${srcaddr}'``, as DescribeFlowLogs shows a LogFormat."""
    return " ".join(f"${{{f}}}" for f in fields)


DEFAULT_FORMAT = as_format(DEFAULT_FIELDS)
TGW_DEFAULT_FORMAT = as_format(TGW_FIELDS)


def parse_format(text: str) -> tuple[str, ...]:
    """The field names of a LogFormat, in order (unknown names included; ``unknown_fields`` says which)."""
    return tuple(_FIELD.findall(text))


def unknown_fields(text: str, *, transit: bool = False) -> list[str]:
    """The names in ``text`` that are not fields of this kind of flow log; anything between the ``${...}`` tokens
    other than spaces counts as unknown too (named choice: AWS's exact treatment of stray text is not documented)."""
    known = set(TGW_FIELDS) if transit else set(VPC_FIELDS)
    names = [n for n in parse_format(text) if n not in known]
    stray = [s for s in _FIELD.sub(" ", text).split() if s]
    return names + stray


def format_version(fields: tuple[str, ...]) -> int:
    """The ``version`` a record in this (VPC) format carries: the highest version among its fields."""
    return max((VPC_FIELDS.get(f, 2) for f in fields), default=2)
