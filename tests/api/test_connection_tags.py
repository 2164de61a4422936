"""Tags of a connection seen from two accounts or Regions (a VPC peering connection, a transit gateway peering
attachment): each end tags and reads its own, as each end is its own resource in AWS (Terraform's
aws_vpc_peering_connection_accepter and aws_ec2_transit_gateway_peering_attachment_accepter tag the accepter's side
and expect to read back exactly that)."""

from __future__ import annotations

import random
from typing import Any

from vpcsim.testing import Server


def _other_account(account: str) -> str:
    while True:
        other = str(random.randrange(10**11, 10**12))
        if other != account:
            return other


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or []}


def _tagged(name: str, value: str, kind: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": name, "Value": value}]}]


def test_each_end_of_a_peering_connection_has_its_own_tags(vpcsim: Server, account: str) -> None:
    other = _other_account(account)
    requester, accepter = vpcsim.client("ec2", "eu-west-1", account), vpcsim.client("ec2", "eu-west-2", other)
    vpc = requester.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    peer_vpc = accepter.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    pcx = requester.create_vpc_peering_connection(
        VpcId=vpc,
        PeerVpcId=peer_vpc,
        PeerOwnerId=other,
        PeerRegion="eu-west-2",
        TagSpecifications=_tagged("Side", "Requester", "vpc-peering-connection"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    def seen(client: Any, **more: Any) -> list[dict[str, Any]]:
        return client.describe_vpc_peering_connections(**more)["VpcPeeringConnections"]  # type: ignore[no-any-return]

    assert _tags(seen(accepter, VpcPeeringConnectionIds=[pcx])[0]) == {}
    accepter.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    accepter.create_tags(Resources=[pcx], Tags=[{"Key": "Side", "Value": "Accepter"}, {"Key": "Team", "Value": "b"}])
    assert _tags(seen(requester, VpcPeeringConnectionIds=[pcx])[0]) == {"Side": "Requester"}
    assert _tags(seen(accepter, VpcPeeringConnectionIds=[pcx])[0]) == {"Side": "Accepter", "Team": "b"}
    by_tag = [{"Name": "tag:Side", "Values": ["Accepter"]}]
    assert [p["VpcPeeringConnectionId"] for p in seen(accepter, Filters=by_tag)] == [pcx]
    assert seen(requester, Filters=by_tag) == []
    accepter.delete_tags(Resources=[pcx], Tags=[{"Key": "Team"}])
    assert _tags(seen(accepter, VpcPeeringConnectionIds=[pcx])[0]) == {"Side": "Accepter"}
    requester.delete_tags(Resources=[pcx])
    assert _tags(seen(requester, VpcPeeringConnectionIds=[pcx])[0]) == {}
    assert _tags(seen(accepter, VpcPeeringConnectionIds=[pcx])[0]) == {"Side": "Accepter"}


def test_the_accepter_of_a_transit_gateway_peering_attachment_tags_its_side(vpcsim: Server, account: str) -> None:
    other = _other_account(account)
    requester, accepter = vpcsim.client("ec2", "eu-west-2", account), vpcsim.client("ec2", "us-east-1", other)
    local = requester.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    remote = accepter.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    aid = requester.create_transit_gateway_peering_attachment(
        TransitGatewayId=local,
        PeerTransitGatewayId=remote,
        PeerAccountId=other,
        PeerRegion="us-east-1",
        TagSpecifications=_tagged("Name", "london-virginia", "transit-gateway-attachment"),
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    accepter.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=aid)
    accepter.create_tags(Resources=[aid], Tags=[{"Key": "Name", "Value": "virginia-london"}])

    def seen(client: Any) -> dict[str, str]:
        found = client.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[aid])
        return _tags(found["TransitGatewayPeeringAttachments"][0])

    assert seen(requester) == {"Name": "london-virginia"}
    assert seen(accepter) == {"Name": "virginia-london"}
    generic = accepter.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[aid])
    assert _tags(generic["TransitGatewayAttachments"][0]) == {"Name": "virginia-london"}
