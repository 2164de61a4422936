"""Egress-only internet gateways: IPv6 out to the internet, nothing in [VPCUG23 egress-only-internet-gateway].

Facts: a gateway is created for one VPC and stays attached to it (``{"State": "attached", "VpcId": ...}``, awscli
examples create-egress-only-internet-gateway.rst) until deleted; DeleteEgressOnlyInternetGateway answers
``ReturnCode: true``; routes to a deleted gateway become ``blackhole`` (derived when shown, ``route_targets``); a VPC
with a gateway cannot be deleted (DeleteVpc: "delete or detach all gateways" [EC2API DeleteVpc]). Quota [VPC quotas]:
"Egress-only internet gateways per Region: 5", tied to the VPCs per Region quota (5); vpcsim counts it per Region
(the error code is vpcsim's choice, after ``InternetGatewayLimitExceeded``).
ClientToken makes a create idempotent [EC2API].
"""

from __future__ import annotations

from vpcsim.control.core import dependents
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import LimitExceeded
from vpcsim.model import Record

MAX_PER_REGION = 5
_KIND = "egress-only-internet-gateway"

LISTING = Listing(
    kind=_KIND,
    page_member="EgressOnlyInternetGateways",
    ids_member="EgressOnlyInternetGatewayIds",
    max_results=(5, 255),
    filters={
        # DescribeEgressOnlyInternetGateways documents only the tag filters [EC2API]; the members are AWS's
        # undocumented kebab-case forms.
        "egress-only-internet-gateway-id": member("EgressOnlyInternetGatewayId"),
        "attachment.vpc-id": member("Attachments", "VpcId"),
        "attachment.state": member("Attachments", "State"),
    },
)


def create_egress_only_internet_gateway(call: Call, params: Params) -> Result:
    token = params.get("ClientToken")
    earlier = call.earlier(_KIND, token)
    if earlier is None:
        earlier = _create(call, params)
        call.remember(_KIND, token, earlier.id)
    result: Result = {"EgressOnlyInternetGateway": present(earlier)}
    if token:
        result["ClientToken"] = token
    return result


def _create(call: Call, params: Params) -> Record:
    vpc = get(call, "vpc", params["VpcId"])
    tags = tags_for(call, params, _KIND)
    if len(call.scan(_KIND)) >= MAX_PER_REGION:
        raise LimitExceeded(
            "EgressOnlyInternetGatewayLimitExceeded",
            f"The maximum number of egress-only internet gateways ({MAX_PER_REGION}) in {call.region.name} "
            "has been reached.",
        )
    gid = call.new_id("eigw", _KIND)
    doc = {"EgressOnlyInternetGatewayId": gid, "Attachments": [{"State": "attached", "VpcId": vpc.id}]}
    return call.tx.put(call.record(_KIND, gid, doc, vpc.id).evolve(tags=tags))


def describe_egress_only_internet_gateways(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def delete_egress_only_internet_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, _KIND, params["EgressOnlyInternetGatewayId"])
    call.tx.delete(_KIND, gateway.id)
    return {"ReturnCode": True}


@dependents.of("vpc")
def _gateways_of_vpc(call: Call, vpc: Record) -> list[str]:
    return [g.id for g in call.tx.children(_KIND, vpc.id)]
