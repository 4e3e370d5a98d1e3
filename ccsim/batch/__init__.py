"""Running and summarising many replications: estimators over a batch of days."""
