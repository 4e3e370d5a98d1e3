"""Running and summarising many replications: estimators over a batch of days, the
engine choice and first-run policy of a batch."""
