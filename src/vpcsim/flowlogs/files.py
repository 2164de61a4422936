"""Where flow-log records are delivered, under the directory the server is given (``vpcsim serve --flow-logs-dir``).

The directory stands for the destinations themselves (docs/flowlogs.md):

- S3: ``s3/<bucket>/<prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/[<HH>/]`` then
  ``<account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddTHHmmZ>_<hash>.log.gz``, as AWS names the objects
  [VPCUG "Flow log files"]: gzipped text whose first line names the fields, one record a line; with Hive-compatible
  prefixes the folders are ``aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=<yyyy>/
  month=<mm>/day=<dd>/[hour=<HH>/]``. The time in the name is the start of the 5-minute window holding the records'
  end time; the hash is the first 8 hex digits of the file's SHA-256 (named choice: AWS's is opaque). Every delivery
  is a new object, as S3 objects are never appended to.
- CloudWatch Logs: ``cloudwatch-logs/<account>/<region>/<log group, percent-encoded>/<log stream>.log``, one record
  a line, appended; the log stream is the interface id (AWS: "each network interface has a unique log stream"), the
  attachment id for transit gateway records.
- Kinesis Data Firehose: ``firehose/<account>/<region>/<delivery stream>.log``, one record a line, appended.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

S3, CLOUDWATCH, FIREHOSE = "s3", "cloud-watch-logs", "kinesis-data-firehose"


@dataclass(frozen=True, slots=True)
class Destination:
    """A flow log's destination, as delivery needs it."""

    kind: str  # s3 | cloud-watch-logs | kinesis-data-firehose
    target: str  # "bucket/optional/prefix" | log group name | delivery stream name
    account: str  # the flow log's owner
    region: str
    flow_log_id: str
    hive: bool = False
    per_hour: bool = False


def window(moment: datetime) -> datetime:
    """The start of the 5-minute window holding ``moment`` (a file's name carries it)."""
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def s3_folder(dest: Destination, moment: datetime) -> str:
    """``AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>[/<HH>]`` or its Hive-compatible form.

    >>> s3_folder(Destination("s3", "b", "123456789012", "eu-west-2", "fl-1"), datetime(2024, 5, 6, 7, 8))
    'AWSLogs/123456789012/vpcflowlogs/eu-west-2/2024/05/06'
    >>> s3_folder(Destination("s3", "b", "1", "r", "fl-1", hive=True, per_hour=True), datetime(2024, 5, 6, 7, 8))
    'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2024/month=05/day=06/hour=07'
    """
    y, m, d, h = f"{moment:%Y}", f"{moment:%m}", f"{moment:%d}", f"{moment:%H}"
    if dest.hive:
        parts = [f"aws-account-id={dest.account}", "aws-service=vpcflowlogs", f"aws-region={dest.region}"]
        parts += [f"year={y}", f"month={m}", f"day={d}"] + ([f"hour={h}"] if dest.per_hour else [])
    else:
        parts = [dest.account, "vpcflowlogs", dest.region, y, m, d] + ([h] if dest.per_hour else [])
    return "AWSLogs/" + "/".join(parts)


def s3_name(dest: Destination, moment: datetime, body: bytes) -> str:
    """``<account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddTHHmmZ>_<hash>.log.gz``."""
    stamp = f"{window(moment):%Y%m%dT%H%MZ}"
    digest = hashlib.sha256(body).hexdigest()[:8]
    return f"{dest.account}_vpcflowlogs_{dest.region}_{dest.flow_log_id}_{stamp}_{digest}.log.gz"


def text(header: list[str] | None, rows: list[list[str]]) -> bytes:
    lines = ([" ".join(header)] if header else []) + [" ".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def deliver_s3(root: Path, dest: Destination, fields: tuple[str, ...], rows: list[list[str]], end: int) -> Path:
    """Write one gzipped log file object; the path written."""
    moment = datetime.fromtimestamp(end, UTC)
    body = text(list(fields), rows)
    bucket_and_prefix = dest.target.strip("/")
    folder = root / "s3" / bucket_and_prefix / s3_folder(dest, moment)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / s3_name(dest, moment, body)
    path.write_bytes(gzip.compress(body, mtime=0))
    return path


def deliver_lines(root: Path, dest: Destination, stream: str, rows: list[list[str]]) -> Path:
    """Append records to a CloudWatch Logs stream's file or a Firehose delivery stream's file."""
    if dest.kind == CLOUDWATCH:
        path = root / "cloudwatch-logs" / dest.account / dest.region / quote(dest.target, safe="") / f"{stream}.log"
    else:
        path = root / "firehose" / dest.account / dest.region / f"{quote(dest.target, safe='')}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as out:
        out.write(text(None, rows))
    return path
