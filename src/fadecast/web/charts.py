"""The fade curve as a small SVG for a phone screen: the report's chart
(:mod:`fadecast.report.charts`), which the result page, the client's page and the HTML
report share. The pages style it with ``chart.css``, served as a file."""

from __future__ import annotations

from fadecast.report.charts import fade_curve_svg, shown_years

__all__ = ["fade_curve_svg", "shown_years"]
