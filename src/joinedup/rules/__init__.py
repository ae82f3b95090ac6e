"""Rules as data: YAML a safeguarding lead can read and change, validated on load, evaluated
incrementally after every ingest and in batch over the whole history.

Errors drawn from one family::

    RuleError
     └── RuleLibraryError    the YAML has problems; ``.problems`` lists every one at once
                             (file, rule id, field, what is wrong and what is allowed)
"""

from joinedup.rules.errors import RuleError, RuleLibraryError, RuleProblem
from joinedup.rules.loader import load_library
from joinedup.rules.model import Rule

__all__ = ["Rule", "RuleError", "RuleLibraryError", "RuleProblem", "load_library"]
