"""Inline SVG drawn in Python: bar charts for the statistics page and the three-stage picture
on the home page. Text is escaped; sizes come from the data, so nothing is hand-tuned per
catalog."""

from __future__ import annotations

import html

from markupsafe import Markup


def bar_chart(title: str, bars: list[tuple[str, int, str | None]], unit: str = "entries"
              ) -> Markup:
    """Horizontal bars: (label, value, optional relative link). Each bar carries its number as
    text too, so the chart reads without colour and in a screen reader."""
    if not bars:
        return Markup("")
    label_w, bar_w, row_h = 300, 420, 26
    peak = max(value for _, value, _ in bars) or 1
    height = row_h * len(bars) + 10
    # A picture holding links is a group to assistive technology: role="img" would hide them.
    role = "group" if any(href for _, _, href in bars) else "img"
    out = [f'<svg class="as-chart" xmlns="http://www.w3.org/2000/svg" role="{role}" '
           f'viewBox="0 0 {label_w + bar_w + 70} {height}" '
           f'aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>']
    for i, (label, value, href) in enumerate(bars):
        y = 5 + i * row_h
        width = max(bar_w * value / peak, 1 if value else 0)
        text = html.escape(label)
        row = (f'<text class="as-chart-label" x="{label_w - 8}" y="{y + 17}" '
               f'text-anchor="end">{text}</text>'
               f'<rect class="as-chart-bar" x="{label_w}" y="{y + 3}" width="{width:.1f}" '
               f'height="{row_h - 8}"><title>{text}: {value} {unit}</title></rect>'
               f'<text class="as-chart-value" x="{label_w + width + 6:.1f}" y="{y + 17}">'
               f'{value}</text>')
        out.append(f'<a href="{html.escape(href, quote=True)}">{row}</a>' if href else row)
    out.append("</svg>")
    return Markup("".join(out))


def stage_picture(stages: list[dict]) -> Markup:
    """The three stages side by side, joined by arrows: prompts -> synthesis -> evaluation ->
    instantiation -> optimizer. `stages` items: label, href, dimensions (labels), options
    (count), entries (count)."""
    box_w, box_h, gap, top = 250, 210, 60, 40
    width = len(stages) * box_w + (len(stages) + 1) * gap
    out = [f'<svg class="as-stages" xmlns="http://www.w3.org/2000/svg" role="group" '
           f'viewBox="0 0 {width} {box_h + top + 30}" aria-label="The three stages of an '
           f'alignment-data pipeline: '
           + html.escape(", ".join(s["label"] for s in stages))
           + '"><title>The three stages of an alignment-data pipeline</title>'
           '<defs><marker id="as-stage-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
           'class="as-arrowhead"/></marker></defs>',
           f'<text class="as-stage-end" x="{gap / 2:.0f}" y="{top - 12}" '
           'text-anchor="start">prompts</text>',
           f'<text class="as-stage-end" x="{width - gap / 2:.0f}" y="{top - 12}" '
           'text-anchor="end">optimizer</text>']
    mid = top + box_h / 2
    for i, stage in enumerate(stages):
        x = gap + i * (box_w + gap)
        out.append(f'<line class="as-stage-flow" x1="{x - gap + 4}" y1="{mid}" x2="{x - 4}" '
                   f'y2="{mid}" marker-end="url(#as-stage-arrow)"/>')
        lines = [f'<text class="as-stage-title" x="{x + box_w / 2}" y="{top + 32}" '
                 f'text-anchor="middle">{i + 1}. {html.escape(stage["label"])}</text>']
        for j, dim in enumerate(stage["dimensions"][:6]):
            lines.append(f'<text class="as-stage-dim" x="{x + 16}" y="{top + 62 + j * 21}">'
                         f'{html.escape(dim)}</text>')
        lines.append(f'<text class="as-stage-count" x="{x + box_w / 2}" y="{top + box_h - 12}" '
                     f'text-anchor="middle">{stage["options"]} options · '
                     f'{stage["entries"]} entries</text>')
        out.append(f'<a href="{html.escape(stage["href"], quote=True)}">'
                   f'<rect class="as-stage-box as-stage-{html.escape(stage["id"])}" x="{x}" '
                   f'y="{top}" width="{box_w}" height="{box_h}" rx="14"/>'
                   + "".join(lines) + "</a>")
    last = gap + len(stages) * (box_w + gap) - gap
    out.append(f'<line class="as-stage-flow" x1="{last + 4}" y1="{mid}" x2="{width - 4}" '
               f'y2="{mid}" marker-end="url(#as-stage-arrow)"/>')
    out.append("</svg>")
    return Markup("".join(out))
