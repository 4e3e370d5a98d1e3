"""Call logs in, scenarios out: log formats, the log reader's pieces and the
estimators calibration is built from (staffing, busyness, time-of-day mixes,
patience curves)."""
