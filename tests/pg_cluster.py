"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary directory, ``postgres`` listening only on
a unix socket in that directory (a free port number names the socket), stopped and removed at the end.

``make test`` (and so ``.ci/run``) runs the suite under ``python tests/pg_cluster.py pytest ...``: one server for the
whole run, named to the tests in ``VPCSIM_TEST_POSTGRES``, stopped when pytest ends. Where PostgreSQL is not installed
it says so in one line and the PostgreSQL tests skip with that reason. Plain ``pytest`` starts a server per session.

PostgreSQL refuses to run as root; as root (a CI container), the server runs as the ``postgres`` user (Debian's
package creates it) or ``nobody``. For tests durability settings are off (``FAST``): they kill vpcsim servers, never
PostgreSQL; the benchmark (bench/scale.py) keeps PostgreSQL's defaults.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

from vpcsim.testing import free_port

_SETTINGS = {
    "listen_addresses": "''",
    "max_connections": "200",
    "shared_buffers": "128MB",
}
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}  # tests: vpcsim dies, PostgreSQL not
ENV = "VPCSIM_TEST_POSTGRES"  # "<socket directory>:<port>" of the run's server, or "unavailable: <why>"


def find_bin() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for candidate in sorted(glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    user: str | None  # run the server as this user (we are root), or as ourselves
    settings: dict[str, str] = field(default_factory=lambda: dict(FAST))
    _names: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.root}&port={self.port}"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            user=self.user,
            cwd=self.root,
            timeout=60,
        )

    def start(self) -> Cluster:
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        options = " ".join(f"-c {k}={v}" for k, v in {**_SETTINGS, **self.settings}.items())
        options += f" -c unix_socket_directories={self.root} -p {self.port}"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        return self

    @classmethod
    def attached(cls, named: str) -> Cluster:
        """The server ``VPCSIM_TEST_POSTGRES`` names (another process started it and stops it)."""
        root, _, port = named.rpartition(":")
        return cls(Path(), Path(root), int(port), None)

    def postmaster(self) -> int:
        """The server's pid (its backends are its children)."""
        return int((self.root / "data" / "postmaster.pid").read_text().split()[0])

    def create_database(self, prefix: str = "vpcsim") -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(settings: dict[str, str] | None = None) -> Cluster:
    """A running cluster; raises LookupError naming what is missing, RuntimeError when it fails to start."""
    bindir = find_bin()
    if bindir is None:
        raise LookupError("PostgreSQL's initdb/pg_ctl are not installed (Debian: apt-get install postgresql)")
    user = None
    root = Path(tempfile.mkdtemp(prefix="vpcsim-pg-"))
    if os.geteuid() == 0:
        user = next((u for u in ("postgres", "nobody") if _exists(u)), None)
        if user is None:
            raise LookupError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir, root, free_port(), user, dict(FAST if settings is None else settings))
    try:
        return cluster.start()
    except (OSError, subprocess.SubprocessError) as error:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        raise RuntimeError(f"PostgreSQL did not start: {error} {detail.decode(errors='replace').strip()}") from error


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def main(command: list[str]) -> int:
    """Run ``command`` with a PostgreSQL server for its tests (``VPCSIM_TEST_POSTGRES``), stopped after; without
    PostgreSQL, run it anyway and say in one line that the PostgreSQL tests skip."""
    cluster = None
    try:
        cluster = start_cluster()
    except (LookupError, RuntimeError) as error:
        os.environ[ENV] = f"unavailable: {error}"
        print(f"vpcsim: the PostgreSQL tests are skipped: {error}", file=sys.stderr)
    else:
        os.environ[ENV] = f"{cluster.root}:{cluster.port}"
        print(f"vpcsim: PostgreSQL ({cluster.bindir}) for the tests, port {cluster.port}, in {cluster.root}")
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 130
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tests/pg_cluster.py COMMAND [ARGS...]")
    sys.exit(main(sys.argv[1:]))
