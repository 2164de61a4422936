"""Stream flow-log records through DuckDB into bytes per sender and AWS service, in bounded memory.

Nothing here holds records in Python: DuckDB scans the files (``read_csv`` on the gzipped text with the header's
fields as typed columns and ``-`` as NULL, ``read_parquet`` on Parquet) and aggregates in SQL. Memory follows the
number of senders and remote owners, not of records, addresses or conversations. Three steps:

1. **stream**: one pass over every record. Each IPv4 address is labelled as it passes with its owner in AWS's
   ip-ranges (``ranges.block_tables``, three hash joins on the address as an integer) and whether it is private;
   the record is then decided (which end is remote, below) and summed into ``agg`` by interface, sender, remote
   owner, direction, action and log-status, keeping the first ``start``, the last ``end`` and one remote address.
   A record with an address that is not IPv4 is summed per conversation instead (its addresses kept);
2. **pending**: those records' distinct addresses, labelled in Python (``AddressRanges.label_of``);
3. **attribution**: the pending conversations decided the same way, then bytes per (role, sender, remote owner,
   direction, action), a few thousand rows, returned to Python.

Who sends, without counting a byte twice (AWS logs a flow at every interface it crosses [VPCUG "Flow log record
examples"]): records at an ordinary interface (an instance's) count for that interface (*origin*); records at a NAT
gateway's interface whose packet addresses differ from the interface addresses (``pkt-srcaddr``/``pkt-dstaddr``:
"from the instance" and "to the instance") count for the instance behind it (*nat*); the NAT interface's own legs
("to the host", "from the host") are the gateway's totals (*nat-own*); interfaces AWS services manage (endpoints,
load balancers) are not senders (*managed*). A NAT gateway is an interface the state says is one, or, without a
state, one whose records show other packet addresses than its own. ``estate`` merges *origin* and *nat* per sender.

Which end is remote: the interface's own address when the state names it; else the end in AWS's ranges (or an
interface endpoint's address), else the public end; else ``flow-direction`` (ingress: the source is remote); else
the destination (named choice). Each record is decided alone, by its own ``flow-direction``. Records whose
log-status is NODATA or SKIPDATA carry no addresses: they are counted by status, and a SKIPDATA interval means AWS
skipped records, so every total is then a lower bound [VPCUG "Available fields": log-status].
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path

import duckdb

from vpcsim.flowlogs.ranges import AddressRanges, Label
from vpcsim.flowlogs.sources import DUCKDB_OFFLINE, GZIP, PARQUET, FlowLogError, Inventory, LogFile, first_line

# Normalised column -> (flow-log field, SQL type). Every scan projects these, NULL where its format lacks a field.
_COLUMNS: dict[str, tuple[str, str]] = {
    "iface": ("interface-id", "VARCHAR"),
    "src": ("srcaddr", "VARCHAR"),
    "dst": ("dstaddr", "VARCHAR"),
    "psrc": ("pkt-srcaddr", "VARCHAR"),
    "pdst": ("pkt-dstaddr", "VARCHAR"),
    "bytes": ("bytes", "BIGINT"),
    "packets": ("packets", "BIGINT"),
    "t0": ("start", "BIGINT"),
    "t1": ("end", "BIGINT"),
    "action": ("action", "VARCHAR"),
    "status": ("log-status", "VARCHAR"),
    "direction": ("flow-direction", "VARCHAR"),
    "vpc": ("vpc-id", "VARCHAR"),
    "subnet": ("subnet-id", "VARCHAR"),
}
# Fields read as numbers; the others, used or not, as text (a number the reader never uses costs nothing to skip).
_NUMERIC = frozenset({"packets", "bytes", "start", "end"})
# Interfaces that AWS services create and manage, whose records repeat what a sender's own interface logs (a NAT
# gateway's are read for the senders behind it). InterfaceType values [EC2API NetworkInterface].
MANAGED_KINDS = (
    "vpc_endpoint",
    "gateway_load_balancer_endpoint",
    "network_load_balancer",
    "gateway_load_balancer",
    "load_balancer",
    "transit_gateway",
)
ORIGIN, NAT, NAT_OWN, MANAGED = "origin", "nat", "nat-own", "managed"
AWS, INTERNET, PRIVATE = "aws", "internet", "private"


@dataclass(frozen=True, slots=True)
class Known:
    """What a state knows of the interfaces in the logs (``vpcsim.control.flowlogs.estate`` fills it)."""

    interfaces: Sequence[tuple[str, str, str, str]] = ()  # (interface id, kind, VPC id, subnet id)
    addresses: Sequence[tuple[str, str]] = ()  # (interface id, one of its addresses)
    endpoints: Sequence[tuple[str, str, str, Label]] = ()  # (VPC id, address, interface endpoint id, its service)


@dataclass(frozen=True, slots=True)
class Row:
    """Bytes one sender exchanged with one kind of remote end, one way, with one action."""

    role: str  # origin | nat | nat-own | managed
    interface_id: str | None  # the interface the records are from (a NAT gateway's for nat and nat-own)
    vpc_id: str | None
    subnet_id: str | None
    local: str | None  # the sender's address (for nat, the instance behind the NAT gateway)
    category: str  # aws | internet | private
    label: Label | None  # the remote end's owner in ip-ranges, or the interface endpoint's service
    endpoint_id: str | None  # the interface endpoint whose address the remote end is
    outbound: bool  # sent by the local end (else received)
    action: str  # ACCEPT | REJECT
    bytes: int
    packets: int
    records: int
    first: int | None  # the earliest ``start``, Unix seconds
    last: int | None  # the latest ``end``
    sample: str | None  # the least remote address of the group, as text (what a trace can aim at; the same every run)


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str  # OK | NODATA | SKIPDATA
    records: int
    interfaces: int


@dataclass(frozen=True)
class Usage:
    rows: tuple[Row, ...]
    statuses: tuple[StatusCount, ...]
    first: int | None  # the period the records cover: the earliest start and the latest end
    last: int | None
    files: int
    labels: tuple[Label, ...] = field(default=(), repr=False)

    @property
    def records(self) -> int:
        return sum(s.records for s in self.statuses)

    @property
    def hours(self) -> float | None:
        if self.first is None or self.last is None:
            return None
        return max(self.last - self.first, 0) / 3600


def read_usage(
    inventory: Inventory,
    ranges: AddressRanges,
    known: Known | None = None,
    *,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> Usage:
    """Bytes per sender and remote owner in the files of ``inventory`` (module docstring)."""
    if not inventory.files:
        return Usage((), (), None, None, 0, ranges.labels)
    with _connection(memory_limit, threads) as (con, work):
        labels = _load_tables(con, work, ranges, known or Known())
        _stream(con, inventory)
        _pending(con, work, ranges)
        rows = [_row(r, labels) for r in con.execute(_ATTRIBUTION).fetchall()]
        statuses, first, last = _statuses(con)
    return Usage(tuple(rows), statuses, first, last, len(inventory.files), labels)


@contextmanager
def _connection(memory_limit: str, threads: int | None) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    with tempfile.TemporaryDirectory(prefix="vpcsim-flowlogs-") as work:
        config = {
            **DUCKDB_OFFLINE,
            "memory_limit": memory_limit,
            "temp_directory": str(Path(work) / "spill"),
            "preserve_insertion_order": False,
            "threads": threads or os.cpu_count() or 1,
            # The joins stay as written, records probing the small tables: DuckDB estimates a CSV scan at a few
            # hundred rows, and its join planner would otherwise build hash tables of the records (measured: out of
            # memory at 400 MB on 10^7 records; 430 MB of RSS in all once kept as written).
            "disabled_optimizers": "join_order,build_side_probe_side",
        }
        con = duckdb.connect(config=config)
        try:
            yield con, Path(work)
        finally:
            con.close()


# -- tables from Python: through CSV files, far faster than parameters or VALUES lists ------------------------------
def _table(con: duckdb.DuckDBPyConnection, work: Path, name: str, columns: dict[str, str], rows: object) -> None:
    path = work / f"{name}.csv"
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)  # type: ignore[arg-type]
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT * FROM read_csv(?, header=false, columns=?, auto_detect=false, "
        "quote='\"', nullstr='')",
        [str(path), columns],
    )


def _load_tables(con: duckdb.DuckDBPyConnection, work: Path, ranges: AddressRanges, known: Known) -> tuple[Label, ...]:
    """The block tables, the state's interfaces, addresses and endpoint addresses; the label list (ip-ranges'
    labels, then the interface endpoints' services that ip-ranges does not name)."""
    block = {"k": "BIGINT", "lab": "INTEGER", "refine": "BOOLEAN"}
    for name, rows in zip(("b16", "b24", "b32"), ranges.block_tables(), strict=True):
        _table(con, work, name, block, rows)
    labels = list(ranges.labels)
    ids = {label: i + 1 for i, label in enumerate(labels)}
    for _, _, _, label in known.endpoints:
        if label not in ids:
            labels.append(label)
            ids[label] = len(labels)
    text = "VARCHAR"
    # Each row once: every record probes these tables, and a repeated row would count its bytes twice.
    interfaces = dict.fromkeys(known.interfaces)
    _table(con, work, "st_iface", {"iface": text, "kind": text, "vpc": text, "subnet": text}, interfaces)
    _table(con, work, "st_addr", {"iface": text, "a": text}, dict.fromkeys(known.addresses))
    endpoint_rows = dict.fromkeys((vpc, a, endpoint, ids[label]) for vpc, a, endpoint, label in known.endpoints)
    _table(con, work, "st_ep", {"vpc": text, "a": text, "endpoint": text, "lab": "INTEGER"}, endpoint_rows)
    return tuple(labels)


# -- 1. conversations ----------------------------------------------------------------------------------------------
def _scan(files: list[LogFile]) -> tuple[str, list[object]]:
    """One DuckDB scan of files of one format, projected to the normalised columns."""
    log = files[0]
    paths = [str(f.path) for f in files]
    if log.kind == PARQUET:
        stored = dict(zip(log.fields, log.columns, strict=True))
        return f"SELECT {_projection(log.fields, lambda f, t: _parquet_value(stored[f], t))} FROM read_parquet(?)", [
            paths
        ]
    types = {f: ("BIGINT" if f in _NUMERIC else "VARCHAR") for f in log.fields}
    compression = "gzip" if log.kind == GZIP else "none"
    source = (
        f"read_csv(?, delim=' ', header={str(log.header).lower()}, columns=?, nullstr='-', auto_detect=false, "
        f"quote='', escape='', compression='{compression}', strict_mode=true)"
    )
    return f"SELECT {_projection(log.fields, lambda f, t: _quoted(f))} FROM {source}", [paths, types]


def _projection(fields: tuple[str, ...], value: Callable[[str, str], str]) -> str:
    present = set(fields)
    chosen = {name: field_ for name, (field_, _) in _COLUMNS.items()}
    if "srcaddr" not in present:  # a format with only the packet addresses: they are the addresses
        chosen.update(src="pkt-srcaddr", dst="pkt-dstaddr", psrc="", pdst="")
    parts = []
    for name, (_, kind) in _COLUMNS.items():
        field_ = chosen[name]
        parts.append(f"{value(field_, kind) if field_ in present else f'NULL::{kind}'} AS {name}")
    return ", ".join(parts)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _parquet_value(column: str, kind: str) -> str:
    if kind == "BIGINT":
        return f"TRY_CAST({_quoted(column)} AS BIGINT)"
    return f"NULLIF(CAST({_quoted(column)} AS VARCHAR), '-')"


def _stream(con: duckdb.DuckDBPyConnection, inventory: Inventory) -> None:
    """Step 1: every record, once, into ``agg``."""
    scans, params = [], []
    for files in inventory.groups().values():
        sql, values = _scan(files)
        scans.append(sql)
        params.extend(values)
    records = " UNION ALL ".join(scans)
    try:
        con.execute(_V4)
        con.execute(_STREAM.format(records=records, decide=_decide("l")), params)
    except duckdb.Error as error:
        raise FlowLogError(explained(error)) from None


def explained(error: duckdb.Error) -> str:
    """DuckDB's many-line CSV error as one line: the file, the line and what was wrong with it."""
    text = str(error)
    where = re.search(r"^\s*file = (.+)$", text, re.M)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if where is None or line is None:
        return f"reading the flow logs failed: {first_line(error)}"
    wanted = ("Error when converting", "Expected Number of Columns")
    detail = next((ln.strip() for ln in text.splitlines() if ln.startswith(wanted)), first_line(error))
    return f"{where.group(1).strip()}: line {line.group(1)}: {detail} (a record that does not fit the header)"


# -- 1. every record, decided as it streams past -----------------------------------------------------------------
_V4 = """
CREATE MACRO v4(a) AS CASE WHEN a NOT LIKE '%:%' THEN
    (TRY_CAST(split_part(a, '.', 1) AS BIGINT) << 24) + (TRY_CAST(split_part(a, '.', 2) AS BIGINT) << 16)
  + (TRY_CAST(split_part(a, '.', 3) AS BIGINT) << 8) + TRY_CAST(split_part(a, '.', 4) AS BIGINT) END
"""


def _label(end: str) -> str:
    """The ip-ranges label id of the IPv4 address ``{end}i4`` through the block tables joined as ``{end}16`` etc."""
    return (
        f"CASE WHEN {end}i4 IS NULL THEN NULL WHEN NOT coalesce({end}16.refine, false) THEN coalesce({end}16.lab, 0) "
        f"WHEN NOT coalesce({end}24.refine, false) THEN coalesce({end}24.lab, {end}16.lab) "
        f"ELSE coalesce({end}32.lab, {end}24.lab) END"
    )


def _private(i: str) -> str:
    """RFC 1918, shared address space (RFC 6598) and link-local: never an AWS service's public address."""
    return (
        f"(({i} >> 24) = 10 OR ({i} >> 20) = 2753 OR ({i} >> 16) = 49320 OR ({i} >> 22) = 401 OR ({i} >> 16) = 43518)"
    )


def _blocks(end: str) -> str:
    return " ".join(
        f"LEFT JOIN {table} {end}{table[1:]} ON {end}{table[1:]}.k = n.{end}i4 >> {shift}"
        for table, shift in (("b16", 16), ("b24", 8), ("b32", 0))
    )


def _decide(source: str) -> str:
    """CTEs that decide, for rows of ``source`` (the interface, ``vpc_id``, ``fwd``, ``direction``, the addresses
    ``s`` and ``d``, their labels ``ls``/``ld`` and private flags ``ps``/``pd``), which end is remote (the module
    docstring), ending in ``decided`` with ``outbound``, ``local``, ``remote``, ``endpoint``, ``lab`` and
    ``remote_private``."""
    return f"""
x AS (
  SELECT src.*, coalesce(src.ls, 0) AS ls0, coalesce(src.ld, 0) AS ld0, coalesce(src.ps, false) AS ps0,
    coalesce(src.pd, false) AS pd0, se.endpoint AS se, de.endpoint AS de, se.lab AS sel, de.lab AS del,
    so.a IS NOT NULL AS s_own, do_.a IS NOT NULL AS d_own
  FROM {source} src
  LEFT JOIN st_ep se ON se.a = src.s AND se.vpc = src.vpc_id LEFT JOIN st_ep de ON de.a = src.d AND de.vpc = src.vpc_id
  LEFT JOIN st_addr so ON so.iface = src.iface AND so.a = src.s
  LEFT JOIN st_addr do_ ON do_.iface = src.iface AND do_.a = src.d
), y AS (
  SELECT x.*, CASE
      WHEN NOT fwd AND d_own AND NOT s_own THEN true
      WHEN NOT fwd AND s_own AND NOT d_own THEN false
      WHEN de IS NOT NULL THEN false
      WHEN se IS NOT NULL THEN true
      WHEN ld0 > 0 AND ls0 = 0 THEN false
      WHEN ls0 > 0 AND ld0 = 0 THEN true
      WHEN ps0 AND NOT pd0 THEN false
      WHEN pd0 AND NOT ps0 THEN true
      WHEN direction IS NOT NULL AND NOT fwd THEN direction = 'ingress'
      ELSE false END AS remote_is_source
  FROM x
), decided AS (
  SELECT y.*, NOT remote_is_source AS outbound,
    CASE WHEN remote_is_source THEN d ELSE s END AS local,
    CASE WHEN remote_is_source THEN s ELSE d END AS remote,
    CASE WHEN remote_is_source THEN se ELSE de END AS endpoint,
    CASE WHEN remote_is_source THEN coalesce(sel, ls0) ELSE coalesce(del, ld0) END AS lab,
    CASE WHEN remote_is_source THEN ps0 ELSE pd0 END AS remote_private
  FROM y
)"""


# One pass over the records: each is labelled (IPv4 in SQL, through the block tables) and decided as it streams, and
# summed into groups of what the answer keeps (sender, remote owner, direction, action), so memory follows the
# senders and owners, never the distinct addresses or conversations. A record with an address that is not IPv4 is
# *pending*: summed per conversation (its addresses kept), labelled in Python afterwards and decided then.
_STREAM = (
    """
CREATE TEMP TABLE agg AS
WITH r AS (
  SELECT t.iface, coalesce(si.vpc, t.vpc) AS vpc_id, coalesce(si.subnet, t.subnet) AS subnet_id, si.kind,
    coalesce(t.action, 'ACCEPT') AS action, coalesce(t.status, 'OK') AS status, t.direction,
    coalesce(t.psrc <> t.src, false) OR coalesce(t.pdst <> t.dst, false) AS fwd,
    CASE WHEN t.psrc <> t.src THEN t.psrc ELSE t.src END AS s,
    CASE WHEN t.pdst <> t.dst THEN t.pdst ELSE t.dst END AS d,
    t.bytes, t.packets, 1 AS records, t.t0, t.t1
  FROM ({records}) t LEFT JOIN st_iface si ON si.iface = t.iface
), n AS (SELECT r.*, v4(s) AS si4, v4(d) AS di4 FROM r),
l AS (
  SELECT n.*, (s IS NOT NULL AND si4 IS NULL) OR (d IS NOT NULL AND di4 IS NULL) AS pending,
    LABEL_S AS ls, LABEL_D AS ld, PRIVATE_S AS ps, PRIVATE_D AS pd
  FROM n BLOCKS_S BLOCKS_D
), {decide}
SELECT iface, vpc_id, any_value(subnet_id) AS subnet_id, kind, status, action, fwd, pending,
  CASE WHEN pending THEN s END AS s6, CASE WHEN pending THEN d END AS d6,
  CASE WHEN pending THEN direction END AS dir6,
  CASE WHEN NOT pending THEN outbound END AS outbound, CASE WHEN NOT pending THEN local END AS local,
  CASE WHEN NOT pending THEN endpoint END AS endpoint, CASE WHEN NOT pending THEN lab END AS lab,
  CASE WHEN NOT pending THEN remote_private END AS remote_private,
  coalesce(sum(bytes), 0)::BIGINT AS bytes, coalesce(sum(packets), 0)::BIGINT AS packets,
  sum(records)::BIGINT AS records, min(t0) AS t0, max(t1) AS t1, min(remote) AS sample
FROM decided
GROUP BY ALL
""".replace("LABEL_S", _label("s"))
    .replace("LABEL_D", _label("d"))
    .replace("PRIVATE_S", _private("si4"))
    .replace("PRIVATE_D", _private("di4"))
    .replace("BLOCKS_S", _blocks("s"))
    .replace("BLOCKS_D", _blocks("d"))
)


# -- 2. the pending records' addresses, labelled in Python (IPv6, or anything DuckDB did not read as IPv4) ---------
def _pending(con: duckdb.DuckDBPyConnection, work: Path, ranges: AddressRanges) -> None:
    found = con.execute(
        "SELECT DISTINCT a FROM (SELECT s6 AS a FROM agg WHERE pending UNION ALL SELECT d6 FROM agg WHERE pending) "
        "WHERE a IS NOT NULL"
    ).fetchall()
    rows = [(a, ranges.label_id(ranges.label_of(a)), _is_private(a)) for (a,) in found]
    _table(con, work, "addr6", {"a": "VARCHAR", "lab": "INTEGER", "private": "BOOLEAN"}, rows)


def _is_private(address: str) -> bool:
    try:
        return not ip_address(address).is_global
    except ValueError:
        return False


# -- 3. attribution ------------------------------------------------------------------------------------------------
_ATTRIBUTION = """
WITH p AS (
  SELECT agg.iface, vpc_id, subnet_id, kind, status, action, fwd, dir6 AS direction, s6 AS s, d6 AS d,
    sa.lab AS ls, da.lab AS ld, sa.private AS ps, da.private AS pd, bytes, packets, records, t0, t1
  FROM agg LEFT JOIN addr6 sa ON sa.a = agg.s6 LEFT JOIN addr6 da ON da.a = agg.d6
  WHERE pending
), {decide},
done AS (
  SELECT iface, vpc_id, subnet_id, kind, status, action, fwd, outbound, local, endpoint, lab, remote_private,
    bytes, packets, records, t0, t1, sample
  FROM agg WHERE NOT pending
  UNION ALL
  SELECT iface, vpc_id, subnet_id, kind, status, action, fwd, outbound, local, endpoint, lab, remote_private,
    bytes, packets, records, t0, t1, remote
  FROM decided
), forwarding AS (SELECT DISTINCT iface FROM done WHERE fwd AND status = 'OK'),
z AS (
  SELECT done.*,
    CASE WHEN kind IN ({managed}) THEN 'managed'
         WHEN kind = 'nat_gateway' OR f.iface IS NOT NULL THEN (CASE WHEN fwd THEN 'nat' ELSE 'nat-own' END)
         ELSE 'origin' END AS role
  FROM done LEFT JOIN forwarding f ON f.iface = done.iface
  WHERE status = 'OK'
)
SELECT role, iface, vpc_id, any_value(subnet_id), local,
  CASE WHEN lab > 0 THEN 'aws' WHEN remote_private THEN 'private' ELSE 'internet' END AS category,
  lab, endpoint, outbound, action,
  sum(bytes)::BIGINT, sum(packets)::BIGINT, sum(records)::BIGINT, min(t0), max(t1), min(sample)
FROM z
GROUP BY role, iface, vpc_id, local, category, lab, endpoint, outbound, action
ORDER BY role, iface, local, lab, outbound, action
""".format(managed=", ".join(f"'{kind}'" for kind in MANAGED_KINDS), decide=_decide("p"))


def _row(values: tuple[object, ...], labels: tuple[Label, ...]) -> Row:
    role, iface, vpc, subnet, local, category, lab, endpoint, outbound, action, *rest = values
    size, packets, records, first, last, sample = rest
    label = labels[int(lab) - 1] if isinstance(lab, int) and lab > 0 else None
    return Row(
        str(role),
        _text(iface),
        _text(vpc),
        _text(subnet),
        _text(local),
        str(category),
        label,
        _text(endpoint),
        bool(outbound),
        str(action),
        int(size),  # type: ignore[call-overload]
        int(packets),  # type: ignore[call-overload]
        int(records),  # type: ignore[call-overload]
        _number(first),
        _number(last),
        _text(sample),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _statuses(con: duckdb.DuckDBPyConnection) -> tuple[tuple[StatusCount, ...], int | None, int | None]:
    found = con.execute(
        "SELECT status, sum(records)::BIGINT, count(DISTINCT iface), min(t0), max(t1) FROM agg GROUP BY status "
        "ORDER BY status"
    ).fetchall()
    statuses = tuple(StatusCount(str(s), int(n), int(i)) for s, n, i, _, _ in found)
    starts = [int(r[3]) for r in found if r[3] is not None]
    ends = [int(r[4]) for r in found if r[4] is not None]
    return statuses, min(starts, default=None), max(ends, default=None)
