"""The ``joinedup`` command: one module per command group, each thin over the stage it drives."""
