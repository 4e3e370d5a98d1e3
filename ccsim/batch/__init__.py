"""Running many replications: batching, engine choice for a batch, first-run policy."""
