"""Internet gateways, Elastic IPs and NAT gateways."""

from __future__ import annotations

from vpcsim.control import routes
from vpcsim.control.call import Call
from vpcsim.model import Record


def attach_default_internet_gateway(call: Call, vpc: Record) -> Record:
    """The default VPC's internet gateway, attached, with ``0.0.0.0/0`` to it in the main route table."""
    gid = call.new_id("igw", "internet-gateway")
    doc = {"InternetGatewayId": gid, "OwnerId": call.account, "Attachments": [{"VpcId": vpc.id, "State": "available"}]}
    gateway = call.tx.put(call.record("internet-gateway", gid, doc))
    table = routes.main_route_table(call, vpc.id)
    route = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": gid, "Origin": "CreateRoute", "State": "active"}
    call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], route]))
    return gateway
