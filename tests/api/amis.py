"""Real machine images for tests that launch instances: RunInstances accepts only images that exist, as AWS does.

``ami(region)`` picks the newest Amazon Linux 2023 x86_64 image (kernel 6.1) of the Region from vpcsim's catalog,
the image a user finds with ``data "aws_ami"`` or ``describe-images --owners amazon``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from vpcsim.catalog.images import public_images


@cache
def ami(region: str = "us-east-1") -> str:
    found = [
        i
        for i in public_images(region)
        if i["Name"].startswith("al2023-ami-2023.") and i["Name"].endswith("-kernel-6.1-x86_64")
    ]
    return str(max(found, key=lambda i: i["CreationDate"])["ImageId"])


AMI = ami()

# Zone names map to zone ids per account, and not every zone offers every type (us-east-1's use1-az3 offers few):
# a test that launches into a subnet of a named zone uses a type the catalog offers in every zone of the Region.
EVERYWHERE = "t2.micro"


def offering_zone(ec2: Any, instance_type: str) -> str:
    """A zone of the client's Region (by this account's names) that offers ``instance_type``."""
    flt = [{"Name": "instance-type", "Values": [instance_type]}]
    rows = ec2.describe_instance_type_offerings(LocationType="availability-zone", Filters=flt)
    return str(rows["InstanceTypeOfferings"][0]["Location"])
