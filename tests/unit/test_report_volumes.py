"""The report's --volumes files: JSON and CSV, which line applies to a (subnet, service), and bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpcsim.report.volumes import Volumes, VolumesError, Wanted, load_volumes

SQS = Wanted(frozenset({"sqs", "com.amazonaws.us-east-1.sqs"}), True)
S3 = Wanted(frozenset({"s3", "com.amazonaws.us-east-1.s3"}), True)
ALTERNATIVE = Wanted(frozenset({"vpce-0123456789abcdef0"}), False)


def write(tmp_path: Path, name: str, body: object) -> Path:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


def gb(volumes: Volumes, *wanted: Wanted, subnet: str = "subnet-1", vpc: str = "vpc-1") -> float:
    return volumes.for_targets(subnet, vpc, list(wanted)).gb


def test_json_lines_apply_most_specific_source_then_service(tmp_path: Path) -> None:
    volumes = load_volumes(write(tmp_path, "v.json", {"volumes": [
        {"source": "*", "service": "*", "gb_per_month": 1},
        {"source": "*", "service": "s3", "gb_per_month": 500},
        {"source": "vpc-1", "service": "*", "gb_per_month": 20},
        {"source": "subnet-1", "service": "sqs", "gb_per_month": 7},
    ]}))  # fmt: skip
    assert gb(volumes, S3) == 20  # the VPC's '*' line beats the estate's 's3' line: its source is more specific
    assert gb(volumes, SQS) == 7
    assert gb(volumes, S3, SQS) == 27  # a row carrying two services sums them
    assert gb(volumes, S3, subnet="subnet-2", vpc="vpc-2") == 500
    assert gb(volumes, SQS, subnet="subnet-2", vpc="vpc-2") == 1
    # '*' never applies to a connected VPC's endpoint that the subnet's own name path stands for; its id does
    assert gb(volumes, ALTERNATIVE) == 0
    named = load_volumes(write(tmp_path, "w.json", [{"source": "*", "service": "vpce-0123456789abcdef0",
                                                      "gb_per_month": 3}]))  # fmt: skip
    assert gb(named, ALTERNATIVE) == 3


def test_csv_and_the_full_service_name(tmp_path: Path) -> None:
    text = "source,service,gb_per_month\n# a comment\n*,com.amazonaws.us-east-1.sqs,12.5\nvpc-1,s3,40\n"
    volumes = load_volumes(write(tmp_path, "v.csv", text))
    assert gb(volumes, SQS) == 12.5 and gb(volumes, S3) == 40
    assert "v.csv line 4" in volumes.for_targets("subnet-1", "vpc-1", [S3]).basis
    assert [line.source for line in volumes.unmatched(["vpc-2"])] == ["vpc-1"]


def test_without_a_file_the_assumption_is_stated() -> None:
    volumes = Volumes()
    assert volumes.assumed and volumes.to_json()["assumption"].startswith("No --volumes file: assumed 100 GB")


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("a.json", "{not json", "not valid JSON"),
        ("b.json", {"volumes": {"source": "*"}}, "expected"),
        ("c.json", [{"source": "*", "service": "s3", "gb_per_month": -1}], "entry 1: gb_per_month"),
        ("d.json", [{"source": "*", "service": "s3", "gb_per_month": "lots"}], "gb_per_month"),
        ("e.json", [{"source": "*", "service": "s3", "gb_per_month": True}], "gb_per_month"),
        ("f.json", [{"source": "i-123", "service": "s3", "gb_per_month": 1}], "source must be"),
        ("g.json", [{"source": "*", "service": "s3", "gb_per_month": 1, "gb": 2}], "unknown field 'gb'"),
        ("h.json", [{"source": "*", "gb_per_month": 1}], "service is missing"),
        ("i.json", [{"source": "*", "service": "s3", "gb_per_month": 1}] * 2, "entry 2 repeats"),
        ("j.csv", "subnet,service,gb\n*,s3,1\n", "first line must be"),
        ("k.csv", "source,service,gb_per_month\n*,s3\n", "line 2: expected 3 cells"),
        ("l.csv", "", "empty"),
        ("m.json", [{"source": "*", "service": "s3", "gb_per_month": "nan"}], "gb_per_month"),
    ],
)
def test_bad_files_are_one_error_naming_the_file_and_line(tmp_path: Path, name: str, body: object, says: str) -> None:
    path = write(tmp_path, name, body)
    with pytest.raises(VolumesError) as raised:
        load_volumes(path)
    assert says in str(raised.value) and name in str(raised.value) and "\n" not in str(raised.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VolumesError, match="cannot read the volumes file"):
        load_volumes(tmp_path / "nowhere.json")
