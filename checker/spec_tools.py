"""What specs import: `from checker.spec_tools import timed, Heartbeat, ...`.

See docs/AUTHORING.md.

The tools live in checker.inside.spec_tools, beside the rest of what runs inside the kata process;
this module is the stable name specs and authors use. Patches (kata 11's broken apps) are built
with checker.engine.patches, which the engine uses for the mistakes too.
"""

from checker.engine.layout import original_path
from checker.engine.patches import PatchError, apply_to_originals, read_note
from checker.inside.spec_tools import (
    BASE_URL,
    Heartbeat,
    concurrently,
    lifespan_client,
    timed,
)

__all__ = [
    "BASE_URL",
    "Heartbeat",
    "PatchError",
    "apply_to_originals",
    "concurrently",
    "lifespan_client",
    "original_path",
    "read_note",
    "timed",
]
