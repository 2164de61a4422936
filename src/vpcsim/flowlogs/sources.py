"""Flow-log files as AWS delivers them, found under the paths given, checked, and sorted by format (pure: reads only
the first bytes and the first line of each file; ``usage`` streams the records).

What a file is comes from its first bytes, not its name: gzip (``1f 8b``), the text inside; Parquet (``PAR1``);
anything else plain text. A folder is walked recursively and only names a flow-log object has are taken (AWS names
them ``..._<hash>.log.gz``, ``.log.parquet`` with FileFormat parquet [VPCUG "Flow log files"]; CloudWatch Logs exports
and vpcsim's own CloudWatch/Firehose files end ``.log``); other files there are skipped and counted. A file named on
the command line is read whatever its name. AWS's key layout (``AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/
<dd>/``, Hive-style or not) needs nothing special: it is folders.

A text file's first line names its fields, as AWS writes it in every S3 object: any VPC flow-log fields (versions 2
to 8, ``vpcsim.flowlogs.fields``) in any order. Files without that line (CloudWatch Logs, Firehose) take the format
given as ``log_format``. A Parquet file's columns are the fields with ``_`` for ``-`` (``account_id``,
``log_status``), as AWS's Parquet delivery names them [Athena "Create tables for flow logs in Apache Parquet
format"]. What is not a flow log is one clear ``FlowLogError`` naming the file: not gzip, no header, an unknown field,
a transit gateway flow log, a format without ``bytes`` or without addresses, an empty folder. An empty file holds no
records and is counted, not refused.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from vpcsim.flowlogs.fields import DEFAULT_FIELDS, TGW_FIELDS, VPC_FIELDS, parse_format, unknown_fields

GZIP, PARQUET, TEXT = "gzip", "parquet", "text"
_SUFFIXES = (".log.gz", ".log", ".gz", ".parquet", ".txt")
_FIRST_LINE_LIMIT = 65536
# What the reader needs of a format: the bytes, and two addresses to attribute them by.
_ADDRESS_PAIRS = (("srcaddr", "dstaddr"), ("pkt-srcaddr", "pkt-dstaddr"))
# DuckDB never fetches an extension over the network: the ones the reader needs (parquet, json) are built in.
DUCKDB_OFFLINE: dict[str, Any] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class FlowLogError(ValueError):
    """Input that is not a readable VPC flow log: one line, naming the file."""


@dataclass(frozen=True, slots=True)
class LogFile:
    path: Path
    kind: str  # gzip | parquet | text
    fields: tuple[str, ...]  # the flow-log field names, in the file's column order
    header: bool  # text: the first line names the fields (and is not a record)
    columns: tuple[str, ...] = ()  # parquet: the column names as stored


@dataclass(frozen=True)
class Inventory:
    """Every flow-log file found, plus what was skipped: the reader's input."""

    files: tuple[LogFile, ...]
    skipped: tuple[Path, ...] = ()  # files inside folders whose names are not flow-log names
    empty: tuple[Path, ...] = ()  # files with no records

    def groups(self) -> dict[tuple[str, tuple[str, ...], bool, tuple[str, ...]], list[LogFile]]:
        """Files that one DuckDB scan can read together: same kind, fields, header and stored columns."""
        found: dict[tuple[str, tuple[str, ...], bool, tuple[str, ...]], list[LogFile]] = {}
        for log in self.files:
            found.setdefault((log.kind, log.fields, log.header, log.columns), []).append(log)
        return found


@dataclass
class _Found:
    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def find(paths: Iterable[Path], log_format: str | None = None) -> Inventory:
    """The flow-log files under ``paths`` (files or folders), each checked; ``log_format`` is the format of files
    without a header line."""
    fallback = _given_format(log_format) if log_format else None
    found = _Found()
    for path in paths:
        _collect(path, found)
    files, empty = [], []
    for path in dict.fromkeys(p.resolve() for p in found.files):
        log = _inspect(path, fallback)
        if log is None:
            empty.append(path)
        else:
            files.append(log)
    return Inventory(tuple(files), tuple(found.skipped), tuple(empty))


def _collect(path: Path, found: _Found) -> None:
    if path.is_file():
        found.files.append(path)
        return
    if not path.is_dir():
        raise FlowLogError(f"{path}: no such file or folder")
    inside = sorted(p for p in path.rglob("*") if p.is_file())
    taken = [p for p in inside if p.name.endswith(_SUFFIXES)]
    if not taken:
        raise FlowLogError(f"{path}: no flow-log files in this folder (names ending {', '.join(_SUFFIXES)})")
    found.files.extend(taken)
    found.skipped.extend(p for p in inside if not p.name.endswith(_SUFFIXES))


# -- one file --------------------------------------------------------------------------------------------------------
def _inspect(path: Path, fallback: tuple[str, ...] | None) -> LogFile | None:
    kind = _kind(path)
    if kind == PARQUET:
        columns = _parquet_columns(path)
        return _checked(LogFile(path, PARQUET, _parquet_fields(path, columns), False, columns)) if columns else None
    line = _first_line(path, kind)
    if line is None:
        return None
    names = line.split()
    if _is_header(path, names):
        return _checked(LogFile(path, kind, tuple(names), True))
    if fallback is None:
        shown = line if len(line) <= 60 else line[:57] + "..."
        raise FlowLogError(
            f"{path}: no header line naming the fields (the first line is '{shown}'); AWS writes one in every S3 "
            "file: give --log-format for files without it"
        )
    return _checked(LogFile(path, kind, fallback, False))


def _kind(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
    except OSError as error:
        raise FlowLogError(f"{path}: cannot read it ({error.strerror or error})") from None
    if magic[:2] == b"\x1f\x8b":
        return GZIP
    if magic == b"PAR1":
        return PARQUET
    if path.name.endswith(".gz"):
        raise FlowLogError(f"{path}: not gzip data, though its name ends .gz")
    return TEXT


def _first_line(path: Path, kind: str) -> str | None:
    """The first line of the (decompressed) text, or None for a file with no records."""
    try:
        opener = gzip.open if kind == GZIP else open
        with opener(path, "rb") as stream:
            raw = stream.readline(_FIRST_LINE_LIMIT)
    except (OSError, EOFError, zlib.error) as error:
        raise FlowLogError(f"{path}: not gzip data ({error})") from None
    if b"\x00" in raw:
        raise FlowLogError(f"{path}: binary data that is neither gzip nor Parquet, not a flow-log file")
    try:
        line = raw.decode().strip()
    except UnicodeDecodeError:
        raise FlowLogError(f"{path}: not text (not UTF-8), neither gzip nor Parquet: not a flow-log file") from None
    return line or None


def _is_header(path: Path, names: list[str]) -> bool:
    """A header names only fields; a line naming some fields and other words is a header with unknown fields."""
    vpc = [n for n in names if n in VPC_FIELDS]
    transit = [n for n in names if n in TGW_FIELDS and n not in VPC_FIELDS]
    if transit:
        raise FlowLogError(f"{path}: a transit gateway flow log (field '{transit[0]}'): only VPC flow logs are read")
    if not vpc:
        return False
    unknown = [n for n in names if n not in VPC_FIELDS]
    if unknown:
        raise FlowLogError(f"{path}: unknown field '{unknown[0]}' in the header line (not a VPC flow-log field)")
    return True


def _parquet_columns(path: Path) -> tuple[str, ...]:
    """The column names a Parquet file stores, read from its footer by DuckDB (no records are read)."""
    try:
        with duckdb.connect(config=DUCKDB_OFFLINE) as con:
            rows = con.execute("SELECT name FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]).fetchall()
    except duckdb.Error as error:
        raise FlowLogError(f"{path}: not a readable Parquet file ({first_line(error)})") from None
    return tuple(str(r[0]) for r in rows)


def _parquet_fields(path: Path, columns: tuple[str, ...]) -> tuple[str, ...]:
    fields = tuple(c.replace("_", "-") for c in columns)
    unknown = [c for c, f in zip(columns, fields, strict=True) if f not in VPC_FIELDS]
    if unknown:
        raise FlowLogError(f"{path}: unknown column '{unknown[0]}' (not a VPC flow-log field)")
    return fields


def _checked(log: LogFile) -> LogFile:
    """A format the reader can use: with ``bytes``, and a source and destination address."""
    if "bytes" not in log.fields:
        raise FlowLogError(f"{log.path}: the format has no 'bytes' field: there is nothing to attribute")
    if not any(a in log.fields and b in log.fields for a, b in _ADDRESS_PAIRS):
        raise FlowLogError(
            f"{log.path}: the format has neither srcaddr and dstaddr nor pkt-srcaddr and pkt-dstaddr: "
            "bytes cannot be attributed"
        )
    duplicated = sorted({f for f in log.fields if log.fields.count(f) > 1})
    if duplicated:
        raise FlowLogError(f"{log.path}: the field '{duplicated[0]}' appears twice")
    return log


def _given_format(text: str) -> tuple[str, ...]:
    """``--log-format``: a LogFormat (``${version} ${srcaddr} ...``), or ``default`` (the version 2 default)."""
    if text.strip() == "default":
        return DEFAULT_FIELDS
    wrong = unknown_fields(text)
    fields = parse_format(text)
    if wrong or not fields:
        named = f"unknown field '{wrong[0]}'" if wrong else "no ${field} in it"
        raise FlowLogError(f"--log-format: {named}; write it as AWS does, e.g. '${{version}} ${{srcaddr}} ...'")
    return fields


def first_line(error: BaseException) -> str:
    """The first line of an error's text (DuckDB's messages run to several lines)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
