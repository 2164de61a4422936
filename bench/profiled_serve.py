"""vpcsim's server (as ``vpcsim serve --ephemeral --quiet`` builds it) with pyinstrument switched on and off over HTTP.

``python bench/profiled_serve.py PORT OUTDIR``: ``POST /_bench/profile/start`` starts a profiler, ``POST
/_bench/profile/stop?name=X`` stops it and writes OUTDIR/X.txt (pyinstrument's text tree) and OUTDIR/X.html. Profiling
only a phase keeps the set-up calls out of the profile. Used by ``bench/run.py --profile``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from pyinstrument import Profiler

from vpcsim.app import Options, build


class Profiled:
    def __init__(self, app: Any, outdir: Path) -> None:
        self.app = app
        self.outdir = outdir
        self.profiler: Profiler | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/_bench/profile/"):
            await self.app(scope, receive, send)
            return
        if path.endswith("/start"):
            self.profiler = Profiler(interval=0.0002, async_mode="disabled")
            self.profiler.start()
        elif self.profiler is not None:
            self.profiler.stop()
            name = parse_qs(scope.get("query_string", b"").decode()).get("name", ["profile"])[0]
            text = self.profiler.output_text(unicode=True, color=False, show_all=False)
            (self.outdir / f"{name}.txt").write_text(text)
            flat = self.profiler.output_text(unicode=True, color=False, flat=True, flat_time="self")
            (self.outdir / f"{name}.flat.txt").write_text(flat)
            (self.outdir / f"{name}.html").write_text(self.profiler.output_html())
            self.profiler = None
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})


def main() -> None:
    port, outdir = int(sys.argv[1]), Path(sys.argv[2])
    outdir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING)
    built = build(Options(ephemeral=True))
    app = Profiled(built.asgi, outdir)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, server_header=False)


if __name__ == "__main__":
    main()
