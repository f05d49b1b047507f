"""The values many jobs show (the site's views), sent to each worker once.

A page's context holds the views of briefs, regions, authors and topics
(model.py), and a view stands in many pages: a brief's card in its region's,
its authors' and its topics' listings, a region's name on every brief of it.
Pickled with every batch of jobs, the views were half of the bytes the
workers were sent and half of the time spent pickling and unpickling jobs
(about 1.2 s of the build process's time and 1.4 s of the workers' at 5,000
briefs). `SharedValues` puts them in a table, once, in a block of shared
memory; a batch of jobs (`Batch`) names each of them by its place in the
table (pickle's persistent ids), and each worker loads the table the first
time a batch names it. A worker then holds one copy of each view.

The build process makes the table when the site is known and unlinks the
block when its pages are done (or the build fails); a worker only reads it.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from multiprocessing import shared_memory


@dataclass(frozen=True)
class TableRef:
    """Where a worker finds the table: a shared memory block, its length."""

    name: str
    size: int


class SharedValues:
    """A table of values, in shared memory, that batches refer to."""

    def __init__(self, values: list):
        self._values = values  # (kept alive: their ids stand for them)
        self._places = {id(value): place for place, value in enumerate(values)}
        data = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
        self._memory = shared_memory.SharedMemory(create=True, size=max(1, len(data)))
        self._memory.buf[: len(data)] = data
        self.ref = TableRef(self._memory.name, len(data))

    def batch(self, tasks: list) -> Batch:
        return Batch(tasks, self)

    def pickled(self, tasks: list) -> bytes:
        """`tasks` pickled with each value of the table as its place."""
        buffer = io.BytesIO()
        _Pickler(buffer, self._places).dump(tasks)
        return buffer.getvalue()

    def close(self) -> None:
        """Unlink the block (workers that still map it keep their copy)."""
        self._memory.close()
        self._memory.unlink()


class Batch:
    """Tasks for a worker; pickled, the table's values are named by place
    (the pickling is done where the pool's feeder thread sends it)."""

    __slots__ = ("shared", "tasks")

    def __init__(self, tasks: list, shared: SharedValues):
        self.tasks = tasks
        self.shared = shared

    def __reduce__(self):
        return (_tasks, (self.shared.ref, self.shared.pickled(self.tasks)))


class _Pickler(pickle.Pickler):
    def __init__(self, file, places: dict[int, int]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._places = places

    def persistent_id(self, value):
        return self._places.get(id(value))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, values: list):
        super().__init__(file)
        self._values = values

    def persistent_load(self, place):
        return self._values[place]


# In a worker: the last table it loaded (its block's name and values).
_loaded: tuple[str, list] | None = None


def _table(ref: TableRef) -> list:
    global _loaded
    if _loaded is None or _loaded[0] != ref.name:
        memory = shared_memory.SharedMemory(ref.name)
        try:
            values = pickle.loads(memory.buf[: ref.size])
        finally:
            memory.close()
        _loaded = (ref.name, values)
    return _loaded[1]


def _tasks(ref: TableRef, data: bytes) -> list:
    """A batch's tasks, unpickled in a worker with the table's values."""
    return _Unpickler(io.BytesIO(data), _table(ref)).load()
