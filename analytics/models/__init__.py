"""Models of the analytics app, one module per subject (savings, spend, ...), re-exported here."""
