"""Security groups and their rules."""

from __future__ import annotations

from vpcsim.control.call import Call
from vpcsim.model import Record


def create_default_security_group(call: Call, vpc: Record) -> Record:
    """The VPC's ``default`` group: all traffic in from its own members, all traffic out [VPCUG23]."""
    gid = call.new_id("sg", "security-group")
    doc = {
        "GroupId": gid,
        "GroupName": "default",
        "Description": "default VPC security group",
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "SecurityGroupArn": f"arn:aws:ec2:{call.region.name}:{call.account}:security-group/{gid}",
        "IpPermissions": [
            {
                "IpProtocol": "-1",
                "IpRanges": [],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [{"GroupId": gid, "UserId": call.account}],
            }
        ],
        "IpPermissionsEgress": [
            {
                "IpProtocol": "-1",
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }
        ],
    }
    return call.tx.put(call.record("security-group", gid, doc, vpc.id))
