"""`serve KATA`: the learner's app under uvicorn on 127.0.0.1, reloading on save, to try by hand."""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import TYPE_CHECKING

from checker.engine.catalog import Catalog, Kata

if TYPE_CHECKING:
    from checker.commands.common import Verbs


def add_parser(verbs: Verbs) -> None:
    parser = verbs.add_parser("serve", help="run a kata's app on 127.0.0.1 to try it by hand")
    parser.add_argument("kata", metavar="KATA")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(handler=_run)


def _run(catalog: Catalog, args: argparse.Namespace) -> int:
    return serve(catalog, catalog.resolve(args.kata), args.port)


def serve_command(kata: Kata, port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "app:app",
        "--app-dir", str(kata.path),
        "--reload", "--reload-dir", str(kata.path),
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


def serve(catalog: Catalog, kata: Kata, port: int) -> int:
    print(f"Serving {kata.id} ({kata.path.relative_to(catalog.root)}/app.py), reloading on save.")
    print(f"Try it at http://127.0.0.1:{port}/docs   (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(serve_command(kata, port), cwd=kata.path)
    except KeyboardInterrupt:
        return 0
