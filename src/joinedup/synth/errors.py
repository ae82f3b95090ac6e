"""The synth package's exception family (drawn in ``joinedup.synth``)."""


class SynthError(Exception):
    """Anything that stops a synthetic population being produced."""


class InvalidSynthConfig(SynthError):
    """A setting cannot produce a valid population; the message names the option to change."""
