"""What specs import: `from checker.spec_tools import timed, Heartbeat, ...`.

See docs/AUTHORING.md.

The tools live in checker.inside.spec_tools, beside the rest of what runs inside the kata process;
this module is the stable name specs and authors use.
"""

from checker.inside.spec_tools import (
    BASE_URL,
    Heartbeat,
    concurrently,
    lifespan_client,
    timed,
)

__all__ = ["BASE_URL", "Heartbeat", "concurrently", "lifespan_client", "timed"]
