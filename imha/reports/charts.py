"""Bar charts drawn on the server as SVG.

No chart library and no inline styles (the Content Security Policy forbids them): the
geometry is worked out here and written as SVG attributes, and colours come from classes
in frontend/scss/_reports.scss. Each chart sits next to a table of the same figures, which
is what screen readers use.
"""

from __future__ import annotations

from dataclasses import dataclass

from imha.reports.figures import Breakdown

CHART_WIDTH = 640
BAR_AREA_WIDTH = 470  # leaves room after the longest bar for its figure
ROW_HEIGHT = 46
LABEL_BASELINE = 16
BAR_TOP = 22
BAR_HEIGHT = 16
VALUE_GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int
    suppressed: bool


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def title_id(self) -> str:
        return f"chart-{self.slug}-title"


def bar_chart(breakdown: Breakdown) -> BarChart:
    """One horizontal bar per row, scaled to the largest figure that is shown."""
    largest = breakdown.largest
    bars = []
    for index, row in enumerate(breakdown.rows):
        top = index * ROW_HEIGHT
        value = 0 if row.figure.is_suppressed else row.figure.value or 0
        # A figure of 1 still gets a sliver of bar, so it does not look like 0.
        width = round(BAR_AREA_WIDTH * value / largest) if largest else 0
        width = max(width, 2) if value else 0
        bars.append(
            Bar(
                label=row.label,
                value_text=row.figure.spoken,
                label_y=top + LABEL_BASELINE,
                bar_y=top + BAR_TOP,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=top + BAR_TOP + BAR_HEIGHT - 3,
                suppressed=row.figure.is_suppressed,
            )
        )
    return BarChart(
        slug=breakdown.slug,
        title=breakdown.title,
        bars=tuple(bars),
        width=CHART_WIDTH,
        height=max(ROW_HEIGHT * len(bars), ROW_HEIGHT),
    )
