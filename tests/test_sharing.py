"""Values many jobs share go to a worker once, in a table; a batch of tasks
names them by place and comes back with the same objects each time."""

from __future__ import annotations

import pickle
from multiprocessing import shared_memory

import pytest

from briefs import sharing
from briefs.model import TagView


def tag(name: str) -> TagView:
    return TagView(name, name.lower(), f"topics/{name.lower()}.html", "", None)


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setattr(sharing, "_loaded", None)  # as in a new worker
    shared = sharing.SharedValues([tag("Trade"), tag("Energy")])
    yield shared
    shared.close()


def sent(batch: sharing.Batch) -> list:
    """What a worker gets of a batch (pickled as the pool's queue does)."""
    return pickle.loads(pickle.dumps(batch))


def test_a_batch_names_the_tables_values_by_place(table):
    trade, energy = table._values
    other = tag("Debt")  # not in the table: sent whole
    first = sent(table.batch([{"tags": (trade, other)}, {"tag": trade}]))
    second = sent(table.batch([{"tags": (energy, trade)}]))
    assert first[0]["tags"] == (trade, other)
    assert first[0]["tags"][0] is not trade  # (a copy, in the worker)
    # One copy of each shared value, whichever batch it came in.
    assert first[0]["tags"][0] is first[1]["tag"] is second[0]["tags"][1]
    assert first[0]["tags"][1] is not other
    # A reference is a few bytes; the value itself is the table's.
    assert len(table.pickled([trade])) < len(pickle.dumps([trade])) / 4


def test_a_closed_table_is_gone(table):
    name = table.ref.name
    table.close()
    with pytest.raises(FileNotFoundError):
        shared_memory.SharedMemory(name)
    table.close = lambda: None  # (the fixture closes it again)
