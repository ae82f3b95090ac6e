"""The alerts package's exception family (drawn in the package docstring)."""


class AlertError(Exception):
    """Anything the alerts stage refuses; messages carry ids only."""


class AlertNotFound(AlertError):
    def __init__(self, alert_id: int) -> None:
        super().__init__(f"no alert {alert_id}: check the id with `joinedup alerts list`")
        self.alert_id = alert_id


class AlertStateError(AlertError):
    pass
