"""``vpcsim state``: copy, migrate and inspect states (SQLite files and ``postgresql://`` URLs), and the one-line
refusal every command gives for a state it cannot open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Annotated, NoReturn, TypeVar

import typer

from vpcsim.store import StateInUse, StateUnavailable, copy_state, may_exist, open_backend, shown
from vpcsim.store.locations import migrate_state

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, never a traceback."""
    typer.echo(f"vpcsim: {message}", err=True)
    raise typer.Exit(code)


def opened(opener: Callable[[], T]) -> T:
    """Open a state, turning the reasons it cannot be opened into one line."""
    try:
        return opener()
    except (StateInUse, StateUnavailable) as error:
        fail(error.message if isinstance(error, StateUnavailable) else str(error))


# -- moving a state between SQLite files and PostgreSQL --------------------------------------------------------------
state_app = typer.Typer(
    help="Copy, migrate and inspect states: SQLite files and postgresql:// URLs.", no_args_is_help=True
)
_LOCATION = "An SQLite state file or a postgresql://user@host:port/db URL."


def _existing(location: str) -> str:
    if not may_exist(location):
        fail(f"no state file at {location}")
    return location


@state_app.command("copy")
def state_copy(
    source: Annotated[str, typer.Argument(help=_LOCATION)],
    target: Annotated[str, typer.Argument(help=_LOCATION + " Created if missing.")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a target that holds records.")] = False,
) -> None:
    """Copy the whole state SOURCE into TARGET, in one transaction (SQLite to PostgreSQL, back, or alike)."""
    if source == target:
        fail("SOURCE and TARGET are the same state")
    src = opened(lambda: open_backend(_existing(source), writer=False))
    try:
        dst = opened(lambda: open_backend(target))
        try:
            held = len(dst.load().records)
            if held and not replace:
                fail(f"{shown(target)} holds {held} records; give --replace to overwrite them")
            copied = opened(lambda: copy_state(src, dst))
        finally:
            dst.close()
    finally:
        src.close()
    typer.echo(
        f"copied {len(copied.records)} records from {shown(source)} to {shown(target)} (revision {copied.revision})"
    )


@state_app.command("migrate")
def state_migrate(location: Annotated[str, typer.Argument(help=_LOCATION)]) -> None:
    """Create or upgrade the state's schema to this vpcsim's version (run once, before starting newer servers)."""
    before, now = opened(lambda: migrate_state(location))
    verb = "is at" if before == now else f"migrated from {before} to"
    typer.echo(f"{shown(location)} {verb} schema version {now}")


@state_app.command("info")
def state_info(location: Annotated[str, typer.Argument(help=_LOCATION)]) -> None:
    """The state's revision and its records by kind."""
    backend = opened(lambda: open_backend(_existing(location), writer=False))
    try:
        loaded = opened(backend.load)
    finally:
        backend.close()
    kinds = Counter(r.kind for r in loaded.records)
    typer.echo(f"{shown(location)}: revision {loaded.revision}, {len(loaded.records)} records")
    for kind, count in sorted(kinds.items()):
        typer.echo(f"  {kind:40} {count:>8}")
