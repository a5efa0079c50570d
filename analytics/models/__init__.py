"""Models of the analytics app, one module per subject (savings, spend, ...), re-exported here."""

from analytics.models.rollup import MonthRollup
from analytics.models.savings import LineSaving
from analytics.models.year_rollup import MonthRollupTotal, YearRollup

__all__ = ["LineSaving", "MonthRollup", "MonthRollupTotal", "YearRollup"]
