"""``collected_after`` frees the garbage a scoring run makes, and leaves alone a freeze it did
not make (the web app's start-up freeze: a batch linked inside the server once undid it)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from joinedup.identity.decide import collected_after


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Start with nothing frozen and leave the process as it was found: other tests in this
    worker (the web app's start-up freeze) rely on what is frozen."""
    was_frozen = gc.get_freeze_count() > 0
    gc.unfreeze()
    try:
        yield
    finally:
        if was_frozen:
            gc.freeze()


def test_an_earlier_freeze_survives_the_block_and_garbage_made_inside_is_collected(unfrozen: None) -> None:
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    with collected_after():
        cycle: list[object] = []
        cycle.append(cycle)
        marker = id(cycle)
        del cycle
    assert gc.get_freeze_count() >= frozen
    assert all(id(o) != marker for o in gc.get_objects())


def test_without_an_earlier_freeze_the_block_leaves_nothing_frozen(unfrozen: None) -> None:
    with collected_after():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
