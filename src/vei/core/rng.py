"""Named RNG streams derived from the master seed.

A stream is keyed by its name and a position (for example the revision at which a call
draws), so a draw in one stream never shifts another and no stream state needs saving:
``stream(seed, "npc:finance", 17)`` is the same generator on every machine.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, name: str, *key: int | str) -> int:
    """A 64-bit seed for ``name`` at ``key`` (PYTHONHASHSEED-independent)."""
    material = "\x1f".join([str(seed), name, *map(str, key)]).encode("utf-8")
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big")


def stream(seed: int, name: str, *key: int | str) -> random.Random:
    """A fresh generator for stream ``name`` at position ``key``."""
    return random.Random(derive_seed(seed, name, *key))
