"""``python -m joinedup.cli``: the same command as ``joinedup``."""

from joinedup.cli.main import app

app(prog_name="joinedup")
