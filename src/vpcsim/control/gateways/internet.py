"""Internet gateways: created detached, attached to at most one VPC, one per VPC.

Facts [VPCUG23 VPC_Internet_Gateway; EC2API]: a new gateway has no attachments; an attached gateway shows
``{"State": "available", "VpcId": ...}``; a VPC has at most one; a gateway cannot be detached while the VPC has
mapped public addresses, nor deleted while attached. Routes to a detached or deleted gateway become ``blackhole``
(derived when shown, see ``route_targets``). Elastic IPs live in ``addresses``, NAT gateways in ``nat``.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.network import routes
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter
from vpcsim.model import Record

LISTING = Listing(
    kind="internet-gateway",
    page_member="InternetGateways",
    ids_member="InternetGatewayIds",
    max_results=(5, 1000),
    filters={
        "attachment.state": member("Attachments", "State"),
        "attachment.vpc-id": member("Attachments", "VpcId"),
        "internet-gateway-id": member("InternetGatewayId"),
        "owner-id": member("OwnerId"),
    },
)


def _new_gateway(call: Call, tags: dict[str, str]) -> Record:
    gid = call.new_id("igw", "internet-gateway")
    doc = {"InternetGatewayId": gid, "OwnerId": call.account, "Attachments": []}
    return call.tx.put(call.record("internet-gateway", gid, doc).evolve(tags=tags))


def attached_internet_gateway(call: Call, vpc_id: str) -> Record | None:
    """The internet gateway attached to the VPC, if any."""
    return next((g for g in call.scan("internet-gateway") if _is_attached_to(g, vpc_id)), None)


def _is_attached_to(gateway: Record, vpc_id: str) -> bool:
    return any(a["VpcId"] == vpc_id for a in gateway.doc["Attachments"])


def attach_default_internet_gateway(call: Call, vpc: Record) -> Record:
    """The default VPC's internet gateway, attached, with ``0.0.0.0/0`` to it in the main route table."""
    gateway = _attach(call, _new_gateway(call, {}), vpc)
    table = routes.main_route_table(call, vpc.id)
    route = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": gateway.id, "Origin": "CreateRoute"}
    call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], route]))
    return gateway


def _attach(call: Call, gateway: Record, vpc: Record) -> Record:
    return call.tx.put(gateway.with_doc(Attachments=[{"State": "available", "VpcId": vpc.id}]))


def create_internet_gateway(call: Call, params: Params) -> Result:
    gateway = _new_gateway(call, tags_for(call, params, "internet-gateway"))
    return {"InternetGateway": present(gateway)}


def describe_internet_gateways(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def attach_internet_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, "internet-gateway", params["InternetGatewayId"])
    vpc = get(call, "vpc", params["VpcId"])
    if gateway.doc["Attachments"]:
        # Real text [GH berlioz-the/berlioz#1].
        raise ApiError(
            "Resource.AlreadyAssociated",
            f"resource {gateway.id} is already attached to network {gateway.doc['Attachments'][0]['VpcId']}",
        )
    if attached_internet_gateway(call, vpc.id) is not None:
        # Real code and text [GH binlab/terraform-aws-vault-ha-raft#54].
        raise InvalidParameter("InvalidParameterValue", f"Network {vpc.id} already has an internet gateway attached")
    _attach(call, gateway, vpc)
    return {}


def detach_internet_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, "internet-gateway", params["InternetGatewayId"])
    vpc_id = params["VpcId"]
    check_id("vpc", vpc_id)
    # The gateway's own attachment is what is checked, not the VPC: a gateway detached from a VPC that has since
    # been deleted answers Gateway.NotAttached (the code Terraform's aws_internet_gateway tolerates on delete; moto
    # answers the same), never InvalidVpcID.NotFound.
    if not _is_attached_to(gateway, vpc_id):
        raise ApiError("Gateway.NotAttached", f"resource {gateway.id} is not attached to network {vpc_id}")
    vpc = get(call, "vpc", vpc_id)
    if _has_mapped_public_addresses(call, vpc.id):
        # Real text [GH hashicorp/terraform#497].
        raise DependencyViolation(
            f"Network {vpc.id} has some mapped public address(es). "
            "Please unmap those public address(es) before detaching the gateway."
        )
    call.tx.put(gateway.with_doc(Attachments=[]))
    return {}


def _has_mapped_public_addresses(call: Call, vpc_id: str) -> bool:
    """Whether any interface in the VPC holds a public IPv4 address (an Elastic IP or an auto-assigned one)."""
    for interface in call.tx.children("network-interface", vpc_id):
        doc = interface.doc
        if doc.get("Association") or any(p.get("Association") for p in doc.get("PrivateIpAddresses") or []):
            return True
    return False


def delete_internet_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, "internet-gateway", params["InternetGatewayId"])
    if gateway.doc["Attachments"]:
        raise DependencyViolation(f"The internetGateway '{gateway.id}' has dependencies and cannot be deleted.")
    call.tx.delete("internet-gateway", gateway.id)
    return {}
