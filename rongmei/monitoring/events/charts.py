"""Charts for the 舆情报告 as inline SVG, drawn in Python.

No JavaScript and nothing fetched: the same markup works in the admin, in an e-mail client that
shows the HTML and in WeasyPrint's PDF. The output depends only on the input (fixed sizes, numbers
formatted with one decimal), so tests can check it and a regenerated report is byte-identical.
"""

from dataclasses import dataclass
from html import escape

# WeasyPrint finds this family through fontconfig (Debian's fonts-noto-cjk); browsers fall back.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"

# Sentiment colours: negative stands out, neutral is quiet, positive is calm; "not analysed" grey.
SENTIMENT_COLOURS = {
    "negative": "#c0392b",
    "neutral": "#95a5a6",
    "positive": "#2e86c1",
    "unanalysed": "#d5d8dc",
}


@dataclass(frozen=True)
class Bar:
    label: str  # shown under the bar (may be empty to keep a crowded axis readable)
    value: int
    title: str = ""  # the tooltip and the accessible name, e.g. "03-02 14:00: 5"


def _n(value: float) -> str:
    """A coordinate with at most one decimal, so the markup is stable across platforms."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_max(value: int) -> int:
    """The smallest 'round' axis maximum (1, 2, 5 × 10^n) that holds ``value``; at least 1."""
    if value <= 1:
        return 1
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _ticks(top: int) -> list[int]:
    """Up to five evenly spaced whole-number ticks from 0 to ``top``."""
    for count in (5, 4, 2, 1):
        if top % count == 0:
            return [top * i // count for i in range(count + 1)]
    return [0, top]


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 680,
    height: int = 240,
    css_class: str = "chart-volume",
) -> str:
    """A vertical bar chart with a y axis (ticks at round numbers), bar labels and axis titles."""
    left, right, top, bottom = 52, 12, 30, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((bar.value for bar in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT_FAMILY}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in _ticks(top_value):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(
            f'<line class="grid" x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
        )
        parts.append(f'<text class="tick" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">{tick}</text>')
    for index, bar in enumerate(bars):
        bar_h = plot_h * bar.value / top_value
        x = left + slot * index + (slot - bar_w) / 2
        y = top + plot_h - bar_h
        parts.append(
            f'<rect class="bar" data-label="{escape(bar.label)}" data-value="{bar.value}" '
            f'x="{_n(x)}" y="{_n(y)}" width="{_n(bar_w)}" height="{_n(bar_h)}" fill="#2e86c1">'
            f"<title>{escape(bar.title or f'{bar.label}: {bar.value}')}</title></rect>"
        )
        if bar.label:
            parts.append(
                f'<text class="bar-label" x="{_n(x + bar_w / 2)}" y="{top + plot_h + 14}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts += [
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#374151" stroke-width="1"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        f'stroke="#374151" stroke-width="1"/>',
        f'<text class="axis-label" x="{_n(left + plot_w / 2)}" y="{height - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>',
        f'<text class="axis-label" x="12" y="{_n(top + plot_h / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 12 {_n(top + plot_h / 2)})">{escape(y_label)}</text>',
        "</svg>",
    ]
    return "".join(parts)


@dataclass(frozen=True)
class Segment:
    key: str  # "negative", "neutral", "positive" or "unanalysed": picks the colour
    label: str
    count: int


def stacked_share_bar(
    segments: list[Segment], *, title: str, empty_text: str, width: int = 680, height: int = 96
) -> str:
    """One horizontal bar split by share, with a legend line per segment ("负面 12 (30.0%)")."""
    left, bar_y, bar_h = 12, 28, 26
    bar_w = width - 2 * left
    total = sum(segment.count for segment in segments)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-sentiment" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT_FAMILY}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    if not total:
        parts.append(
            f'<rect class="empty" x="{left}" y="{bar_y}" width="{bar_w}" height="{bar_h}" fill="#f3f4f6"/>'
            f'<text x="{_n(left + bar_w / 2)}" y="{bar_y + 17}" text-anchor="middle">{escape(empty_text)}</text>'
        )
    x = float(left)
    legend_x = float(left)
    for segment in segments:
        colour = SENTIMENT_COLOURS.get(segment.key, "#7f8c8d")
        share = segment.count / total if total else 0.0
        percent = f"{share * 100:.1f}%"
        if segment.count:
            seg_w = bar_w * share
            parts.append(
                f'<rect class="segment" data-key="{escape(segment.key)}" data-count="{segment.count}" '
                f'data-share="{share:.3f}" x="{_n(x)}" y="{bar_y}" width="{_n(seg_w)}" height="{bar_h}" '
                f'fill="{colour}"><title>{escape(segment.label)} {segment.count} ({percent})</title></rect>'
            )
            x += seg_w
        legend = f"{segment.label} {segment.count} ({percent})"
        parts.append(
            f'<rect class="legend-swatch" x="{_n(legend_x)}" y="{bar_y + bar_h + 14}" width="10" height="10" '
            f'fill="{colour}"/><text class="legend" x="{_n(legend_x + 14)}" y="{bar_y + bar_h + 23}">'
            f"{escape(legend)}</text>"
        )
        # CJK glyphs are about one em wide, Latin digits about half.
        legend_x += 14 + 11 * sum(1 if ord(ch) > 0x2E80 else 0.6 for ch in legend) + 20
    parts.append("</svg>")
    return "".join(parts)
