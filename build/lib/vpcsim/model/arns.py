"""ARNs: one way to write them and one way to read them.

``arn:partition:service:region:account-id:resource`` [AWS General Reference, "Amazon Resource Names (ARNs)"]; the
resource part is ``type/id``, ``type:id`` or just an id, and S3 and IAM leave the region (and S3 the account) empty.

>>> ec2_arn("eu-west-2", "111122223333", "vpc", "vpc-1")
'arn:aws:ec2:eu-west-2:111122223333:vpc/vpc-1'
>>> parse_arn("arn:aws:iam::111122223333:role/app").account
'111122223333'
>>> parse_arn("arn:aws:s3:::bucket/key/with:colon").resource
'bucket/key/with:colon'
>>> parse_arn("vpc-1") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION = "aws"


@dataclass(frozen=True, slots=True)
class Arn:
    service: str
    region: str
    account: str
    resource: str
    partition: str = PARTITION

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """``role`` of ``role/app``, ``loadbalancer`` of ``loadbalancer/net/x/1``; empty for a bare id."""
        for separator in ("/", ":"):
            if separator in self.resource:
                return self.resource.split(separator, 1)[0]
        return ""


def parse_arn(text: str) -> Arn | None:
    """The ARN ``text`` names, or None when it is not one (the resource part may itself hold colons)."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[2], parts[3], parts[4], parts[5], parts[1])


def ec2_arn(region: str, account: str, kind: str, rid: str) -> str:
    """An EC2 resource's ARN: ``arn:aws:ec2:<region>:<account>:<kind>/<id>``."""
    return str(Arn("ec2", region, account, f"{kind}/{rid}"))


def root_arn(account: str) -> str:
    """The account's root principal, ``arn:aws:iam::<account>:root``."""
    return str(Arn("iam", "", account, "root"))


def bucket_arn(name: str) -> str:
    """An S3 bucket's ARN (S3 ARNs name no region and no account)."""
    return str(Arn("s3", "", "", name))


def account_of(principal: str, default: str) -> str:
    """The account of a principal ARN, or ``default`` for anything that is not one."""
    parsed = parse_arn(principal)
    return parsed.account if parsed is not None and parsed.account else default
