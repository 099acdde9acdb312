"""The observation space of the VEI environments: ``spaces.Text`` over printable ASCII that
also travels correctly through ``AsyncVectorEnv``'s shared memory.

Gymnasium 1.4 reads a ``Text`` space's shared memory once, when the vector env starts,
into a tuple of strings, so with the default ``shared_memory=True`` every later
observation came back as that first (empty, all ``"0"``) snapshot. ``ObservationText``
registers its own shared-memory functions: the reader returns a live view that decodes the
buffer when read (and a plain tuple of strings when copied, as the vector env does before
returning observations), and the writer encodes a whole observation at once with numpy
instead of character by character.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any, overload

import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils.shared_memory import (
    create_shared_memory,
    read_from_shared_memory,
    write_to_shared_memory,
)

CHARSET = string.printable
_CODES = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)
# byte -> index in CHARSET, -1 for a byte that is not in it
_INDEX = np.full(256, -1, dtype=np.int32)
_INDEX[_CODES] = np.arange(len(CHARSET), dtype=np.int32)


class ObservationText(spaces.Text):
    """``spaces.Text(max_length, charset=string.printable)``, safe in shared memory."""

    def __init__(self, max_length: int, *, seed: int | None = None) -> None:
        super().__init__(max_length, charset=CHARSET, seed=seed)


class SharedTexts(Sequence[str]):
    """The observations in a vector env's shared buffer, decoded whenever they are read."""

    def __init__(self, space: ObservationText, buffer: Any, n: int) -> None:
        self._rows = np.frombuffer(buffer.get_obj(), dtype=np.int32).reshape(n, space.max_length)

    def __len__(self) -> int:
        return int(self._rows.shape[0])

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        row = self._rows[index]
        padding = row >= len(CHARSET)
        end = int(np.argmax(padding)) if padding.any() else row.shape[0]
        text: str = _CODES[row[:end]].tobytes().decode("ascii")
        return text

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[str, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        return repr(tuple(self))


@create_shared_memory.register(ObservationText)
def _create(space: ObservationText, n: int = 1, ctx: ModuleType | Any = None) -> Any:
    import multiprocessing

    return (ctx or multiprocessing).Array(np.dtype(np.int32).char, n * space.max_length)


@read_from_shared_memory.register(ObservationText)
def _read(space: ObservationText, shared_memory: Any, n: int = 1) -> SharedTexts:
    return SharedTexts(space, shared_memory, n)


@write_to_shared_memory.register(ObservationText)
def _write(space: ObservationText, index: int, value: str, shared_memory: Any) -> None:
    indices = _INDEX[np.frombuffer(value.encode("ascii"), dtype=np.uint8)]
    if len(indices) > space.max_length or (indices < 0).any():
        raise ValueError("the observation is not printable ASCII within the space's length")
    size = space.max_length
    row = np.frombuffer(shared_memory.get_obj(), dtype=np.int32)[index * size : (index + 1) * size]
    row[: len(indices)] = indices
    row[len(indices) :] = len(CHARSET)


__all__ = ["CHARSET", "ObservationText", "SharedTexts"]
