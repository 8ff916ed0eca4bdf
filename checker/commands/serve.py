"""`serve KATA`: the learner's app under uvicorn on 127.0.0.1, reloading on save, to try by hand.

The docs pages work offline: see checker.commands.offline_docs.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

from checker.commands.common import UsageError, command, one_kata
from checker.engine.catalog import Catalog, Kata

if TYPE_CHECKING:
    from checker.commands.common import Verbs

DEFAULT_PORT = 8000


def add_parser(verbs: Verbs) -> None:
    parser = verbs.add_parser("serve", help="run a kata's app on 127.0.0.1 to try it by hand")
    parser.add_argument(
        "kata", nargs="?", metavar="KATA", help="default: the kata folder you are in"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default: 8000")
    parser.set_defaults(handler=_run)


def _run(catalog: Catalog, args: argparse.Namespace) -> int:
    return serve(catalog, one_kata(catalog, args.kata, "serve"), args.port)


def serve_command(kata: Kata, port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "checker.commands.offline_docs:create_app", "--factory",
        "--reload", "--reload-dir", str(kata.path),
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip


def serve_env(kata: Kata) -> dict[str, str]:
    from checker.commands.offline_docs import SERVE_DIR_ENV
    from checker.engine.runner import CHECKER_HOME

    env = dict(os.environ)
    env[SERVE_DIR_ENV] = str(kata.path)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CHECKER_HOME), env.get("PYTHONPATH", "")) if p
    )
    return env


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether uvicorn could listen on host:port now (it sets SO_REUSEADDR, and so do we)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def serve(catalog: Catalog, kata: Kata, port: int) -> int:
    if not port_free(port):
        other = next((p for p in range(port + 1, port + 50) if port_free(p)), None)
        advice = f": try `{command('serve', f'{kata.number:02d}', '--port', str(other))}`"
        raise UsageError(
            f"port {port} on 127.0.0.1 is in use (another `serve` still running?); stop that "
            f"program, or pick another port{advice if other else ''}"
        )
    print(f"Serving {kata.id} ({kata.path.relative_to(catalog.root)}/app.py), reloading on save.")
    print(f"Try it at http://127.0.0.1:{port}/docs   (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(serve_command(kata, port), cwd=kata.path, env=serve_env(kata))
    except KeyboardInterrupt:
        return 0
