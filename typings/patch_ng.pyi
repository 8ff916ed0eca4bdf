# The part of patch-ng (which ships no type information) that checker.engine.patches uses.
from typing import Literal

class Hunk:
    startsrc: int
    linessrc: int
    starttgt: int
    linestgt: int
    desc: bytes
    text: list[bytes]

class Patch:
    source: bytes
    target: bytes
    header: list[bytes]
    hunks: list[Hunk]

class PatchSet:
    items: list[Patch]
    errors: int
    def apply(self, strip: int = 0, root: str | None = None, fuzz: bool = False) -> bool: ...

def fromstring(s: bytes) -> PatchSet | Literal[False]: ...
