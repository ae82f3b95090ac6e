"""The chronology's exception family (drawn in the package docstring)."""


class ChronologyError(Exception):
    """Anything the chronology cannot do; messages carry ids only, never names."""


class PersonNotFound(ChronologyError):
    def __init__(self, person_id: int) -> None:
        super().__init__(f"no person {person_id}: check the id (joinedup link export lists them)")
        self.person_id = person_id
