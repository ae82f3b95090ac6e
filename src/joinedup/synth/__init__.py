"""A synthetic local authority: families, the records every agency would hold about them, and
the ground truth (who is who, which children were harmed and when) kept apart from the records.

It exists so identity linkage and alerting can be measured honestly without real children's
data: the records carry the identity noise real agencies produce, a background of ordinary
contact, and harm trajectories modelled on what case reviews keep finding.

Exceptions::

    SynthError
    └── InvalidSynthConfig   a setting cannot produce a population (e.g. a history in the future)
"""

from joinedup.synth.config import NoiseRates, SynthConfig, default_start
from joinedup.synth.errors import InvalidSynthConfig, SynthError
from joinedup.synth.generate import SynthResult, synthesise
from joinedup.synth.patterns import PATTERN_IDS

__all__ = [
    "PATTERN_IDS",
    "InvalidSynthConfig",
    "NoiseRates",
    "SynthConfig",
    "SynthError",
    "SynthResult",
    "default_start",
    "synthesise",
]
