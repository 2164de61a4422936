"""The host names Amazon S3 answers on, read for what they address: a Region, a bucket, an access point.

Forms [S3UG VirtualHosting; S3UG access-points-naming; AWS General Reference "Amazon S3 endpoints"]:

- regional: ``s3.<region>.amazonaws.com`` (path style) and ``<bucket>.s3.<region>.amazonaws.com`` (virtual-hosted);
- dual-stack: ``[<bucket>.]s3.dualstack.<region>.amazonaws.com`` (A and AAAA answers);
- FIPS: ``[<bucket>.]s3-fips[.dualstack].<region>.amazonaws.com``;
- legacy dash-Region: ``[<bucket>.]s3-<region>.amazonaws.com``;
- legacy global: ``s3.amazonaws.com`` / ``s3-external-1.amazonaws.com`` (us-east-1) and
  ``<bucket>.s3.amazonaws.com``, which Amazon S3's DNS answers with the bucket's Region for buckets in Regions launched
  before 2019-03-20, and with us-east-1 otherwise (there the request is refused: HTTP 400) [S3UG VirtualHosting
  "Virtual-hosted-style requests for other Regions"];
- access points: ``<name>-<account>.s3-accesspoint[.dualstack].<region>.amazonaws.com``;
- interface endpoint names: ``<bucket>.bucket.vpce-<id>.s3.<region>.vpce.amazonaws.com`` [S3PL].

Bucket names may hold dots (``my.data.s3.eu-west-2.amazonaws.com`` addresses bucket ``my.data``).

>>> parse("my.data.s3.dualstack.eu-west-2.amazonaws.com")
S3Name(region='eu-west-2', bucket='my.data', access_point=None, dualstack=True, form='dual-stack')
>>> parse("logs.s3-eu-west-1.amazonaws.com").form, parse("logs.s3.amazonaws.com").region
('legacy dash-Region', None)
>>> parse("reports-111122223333.s3-accesspoint.us-east-1.amazonaws.com").access_point
'arn:aws:s3:us-east-1:111122223333:accesspoint/reports'
>>> parse("sqs.eu-west-2.amazonaws.com") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_HOST = re.compile(
    r"^(?:(?P<bucket>.+)\.)?"
    rf"(?:s3(?P<fips>-fips)?(?P<dual>\.dualstack)?\.(?P<region>{_REGION})"
    rf"|s3-(?P<dash>{_REGION})"
    r"|s3(?P<legacy>-external-1)?)"
    r"\.amazonaws\.com$"
)
_ACCESS_POINT = re.compile(
    rf"^(?P<name>[a-z0-9-]+)-(?P<account>\d{{12}})\.s3-accesspoint(?P<dual>\.dualstack)?\.(?P<region>{_REGION})"
    r"\.amazonaws\.com$"
)
_VPCE = re.compile(rf"^(?P<bucket>.+)\.bucket\.vpce-[a-z0-9-]+\.s3\.(?P<region>{_REGION})\.vpce\.amazonaws\.com$")
LEGACY_REGION = "us-east-1"  # the legacy global endpoint's Region [S3UG VirtualHosting]


@dataclass(frozen=True, slots=True)
class S3Name:
    region: str | None  # None: the legacy global name of a bucket (its DNS answer depends on the bucket)
    bucket: str | None
    access_point: str | None  # the access point's ARN
    dualstack: bool
    form: str

    def retried_in(self, region: str) -> str:
        """The name an SDK sends the request to again after S3 names the bucket's Region (virtual-hosted)."""
        stack = ".dualstack" if self.dualstack else ""
        return f"{self.bucket}.s3{stack}.{region}.amazonaws.com"


def parse(name: str) -> S3Name | None:
    """What an S3 host name addresses, or None for a name that is not one of S3's."""
    point = _ACCESS_POINT.match(name)
    if point is not None:
        region, account, ap = point.group("region"), point.group("account"), point.group("name")
        arn = f"arn:aws:s3:{region}:{account}:accesspoint/{ap}"
        return S3Name(region, None, arn, bool(point.group("dual")), "access point")
    vpce = _VPCE.match(name)
    if vpce is not None:
        return S3Name(vpce.group("region"), vpce.group("bucket"), None, False, "interface endpoint")
    host = _HOST.match(name)
    if host is None:
        return None
    bucket = host.group("bucket")
    if host.group("region"):
        dual = bool(host.group("dual"))
        form = "FIPS" if host.group("fips") else "dual-stack" if dual else "regional"
        return S3Name(host.group("region"), bucket, None, dual, form)
    if host.group("dash"):
        return S3Name(host.group("dash"), bucket, None, False, "legacy dash-Region")
    if bucket is None or host.group("legacy"):
        return S3Name(LEGACY_REGION, bucket, None, False, "legacy global")
    return S3Name(None, bucket, None, False, "legacy global")
