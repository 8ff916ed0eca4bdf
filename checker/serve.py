"""`serve KATA`: the learner's app under uvicorn on 127.0.0.1, reloading on save, to try by hand."""

from __future__ import annotations

import subprocess
import sys

from checker.catalog import Catalog, Kata


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
