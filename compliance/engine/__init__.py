"""The compliance engine: the rule data format (`schema`) and the verdict (`verdict`), both pure
Python over plain facts, so a single check and the national matrix compute the same thing."""
