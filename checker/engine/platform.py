"""Which operating systems the checker runs on, and what it says elsewhere.

The checker forks warm workers, kills process groups and reads single keys from a POSIX terminal:
native Windows has none of these, so it is sent to WSL at start rather than failing half-way.
"""

from __future__ import annotations

import os
import sys

WINDOWS_ADVICE = (
    "native Windows is not supported: the checker needs fork(), process groups and a POSIX "
    "terminal. Use WSL (https://learn.microsoft.com/windows/wsl/install), clone the katas inside "
    "it, and run the same commands there."
)


def unsupported_platform_message(platform: str = sys.platform, name: str = os.name) -> str:
    """One line for the learner when this platform cannot run the checker, else ""."""
    if platform.startswith("win") or name == "nt":
        return WINDOWS_ADVICE
    return ""
