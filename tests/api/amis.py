"""Real machine images for tests that launch instances: RunInstances accepts only images that exist, as AWS does.

``ami(region)`` picks the newest Amazon Linux 2023 x86_64 image (kernel 6.1) of the Region from vpcsim's catalog,
the image a user finds with ``data "aws_ami"`` or ``describe-images --owners amazon``.
"""

from __future__ import annotations

from functools import cache

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
