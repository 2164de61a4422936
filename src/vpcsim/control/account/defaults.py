"""What a new AWS account has in every region before it makes a call: a default VPC [VPCUG23 default-vpc].

vpcsim creates it on the first call an account makes in a region, in that call's transaction, and remembers that it
did, so that a default VPC the user deletes stays deleted until CreateDefaultVpc.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import present
from vpcsim.control.core.queries import find_default_vpc
from vpcsim.control.gateways import internet
from vpcsim.control.network import subnets, vpcs
from vpcsim.errors import ApiError
from vpcsim.model import Record


def ensure_scope(call: Call) -> None:
    key = f"scope/{call.account}/{call.region.name}"
    if call.tx.meta(key) is None:
        call.tx.set_meta(key, "1")
        build_default_vpc(call)


def build_default_vpc(call: Call) -> Record:
    """172.31.0.0/16, a /20 default subnet per AZ, an attached internet gateway and the 0.0.0.0/0 route to it."""
    vpc = vpcs.new_vpc(call, vpcs.DEFAULT_VPC_CIDR, is_default=True)
    blocks = IPv4Network(vpcs.DEFAULT_VPC_CIDR).subnets(new_prefix=20)
    for zone, block in zip(call.region.zones, blocks, strict=False):
        subnets.new_subnet(call, vpc, str(block), zone, default_for_az=True)
    internet.attach_default_internet_gateway(call, vpc)
    return vpc


def create_default_vpc(call: Call, params: Params) -> Result:
    if find_default_vpc(call) is not None:
        raise ApiError("DefaultVpcAlreadyExists", "A Default VPC already exists for this account in this region.")
    # AWS answers the new default VPC as pending (CLI example create-default-vpc.rst), like CreateVpc.
    return {"Vpc": {**present(build_default_vpc(call)), "State": "pending"}}
