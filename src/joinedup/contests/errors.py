"""The contest exception family (drawn in ``joinedup.contests``)."""


class ContestError(Exception):
    """Anything a contest cannot do; the message says what to do instead."""


class UnknownItem(ContestError):
    pass


class NotPermitted(ContestError):
    pass


class CannotDecide(ContestError):
    pass
