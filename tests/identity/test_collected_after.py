"""``collected_after`` frees the garbage a scoring run makes, and leaves alone a freeze it did
not make (the web app's start-up freeze: a batch linked inside the server once undid it)."""

from __future__ import annotations

import gc

from joinedup.identity.decide import collected_after


def test_an_earlier_freeze_survives_the_block_and_garbage_made_inside_is_collected() -> None:
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collected_after():
            cycle: list[object] = []
            cycle.append(cycle)
            marker = id(cycle)
            del cycle
        assert gc.get_freeze_count() >= frozen
        assert all(id(o) != marker for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_without_an_earlier_freeze_the_block_leaves_nothing_frozen() -> None:
    gc.unfreeze()
    with collected_after():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
