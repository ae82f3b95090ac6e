"""Fairness: does each rule fall evenly on the families it watches?

The rules never see who a family is (the loader refuses any reference to a protected or proxy
characteristic). They can still fall unevenly, because the records they read do: families in
deprived areas meet housing, police and the emergency department more often for reasons that
are not harm. This package measures that on the synthetic authority, where the truth about
harm and the families' attributes is known, so a council can see the disparity before it acts
on an alert.

Flow: ``groups`` (who is in which group, from the truth) → ``outcomes`` (per true child: harmed?
when did each rule first fire?) → ``table`` (rates, intervals, ratios) → ``drivers`` (what in a
rule makes it uneven). ``run`` ties them to a database and a synthetic folder.
"""

from joinedup.fairness.intervals import ratio_interval, wilson
from joinedup.fairness.table import Disparity, FairnessReport, Rates

__all__ = ["Disparity", "FairnessReport", "Rates", "ratio_interval", "wilson"]
