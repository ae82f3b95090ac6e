"""One router per resource; ``web.app`` includes every module listed in ``ROUTERS``."""
