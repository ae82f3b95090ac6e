"""NHS numbers and UPNs with real check digits, unique per person and never a real one.

NHS numbers come from the range NHS England never issues (synthetic/test patients, 9xx), so a
synthetic number cannot collide with a real patient's. The check digits are the kept
libraries' (``nhs-number``, ``stdnum.gb.upn``), not our own arithmetic.
"""

from __future__ import annotations

from nhs_number.validate import calculate_checksum
from stdnum.gb import upn as upn_lib

# A multiplier coprime with 10**9 walks the whole body range once, in a scattered order.
_NHS_BODY_START = 900_000_000
_NHS_BODY_SPAN = 100_000_000
_STRIDE = 7_919_993


class NhsNumbers:
    def __init__(self, offset: int) -> None:
        self._k = offset % _NHS_BODY_SPAN

    def issue(self) -> str:
        while True:
            body = str(_NHS_BODY_START + (self._k * _STRIDE) % _NHS_BODY_SPAN)
            self._k += 1
            check = calculate_checksum(body)
            if check is not None and check < 10:
                return f"{body}{check}"


def issue_upn(la_number: int, establishment: int, year: str, serial: int) -> str:
    """A pupil's UPN: check letter, LA number, school establishment number, issue year, serial."""
    body = f"{la_number:03d}{establishment % 10_000:04d}{year[-2:]}{serial % 1000:03d}"
    return upn_lib.calc_check_digit(body) + body
