"""The ``family`` fixture: an invented family whose records are stored and linked for real."""

import pytest
from sqlalchemy import Engine

from rules.rule_factories import Family


@pytest.fixture
def family(engine: Engine) -> Family:
    return Family(engine)
