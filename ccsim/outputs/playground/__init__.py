"""The classroom playground (`ccsim playground`): a local web page where a class moves
sliders and watches two settings of a simulated day, side by side on the same callers.

`levers` turns slider values into a scenario, `day` plays it with ccsim's engine,
`lessons` finds the scenarios (English and Chinese), `server` serves the page and the
days; ``static/`` holds the page, its script and style (no CDN: it works offline).
"""
