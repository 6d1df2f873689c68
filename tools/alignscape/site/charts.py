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
    """The three stages joined by arrows: prompts -> synthesis -> evaluation -> instantiation
    -> optimizer. `stages` items: label, href, dimensions (labels), options (count), entries
    (count). Drawn twice, side by side for wide screens and stacked for phones (the style
    sheet shows one), so the text stays readable at 390 px instead of shrinking."""
    return Markup(_stage_svg(stages, vertical=False) + _stage_svg(stages, vertical=True))


def _stage_svg(stages: list[dict], vertical: bool) -> str:
    box_w, box_h, gap, top = (320, 200, 44, 30) if vertical else (250, 210, 60, 40)
    n = len(stages)
    if vertical:
        width, height = box_w + 40, n * box_h + (n + 1) * gap + top
    else:
        width, height = n * box_w + (n + 1) * gap, box_h + top + 30
    marker = "as-stage-arrow-v" if vertical else "as-stage-arrow"
    out = [f'<svg class="as-stages as-stages-{"tall" if vertical else "wide"}" '
           f'xmlns="http://www.w3.org/2000/svg" role="group" '
           f'viewBox="0 0 {width} {height}" aria-label="The three stages of an '
           f'alignment-data pipeline: '
           + html.escape(", ".join(s["label"] for s in stages))
           + '"><title>The three stages of an alignment-data pipeline</title>'
           f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
           'class="as-arrowhead"/></marker></defs>']
    if vertical:
        out.append(f'<text class="as-stage-end" x="{width / 2 + 12:.0f}" y="{top - 6}">'
                   'prompts</text>')
        out.append(f'<text class="as-stage-end" x="{width / 2 + 12:.0f}" y="{height - 6}">'
                   'optimizer</text>')
    else:
        out.append(f'<text class="as-stage-end" x="{gap / 2:.0f}" y="{top - 12}" '
                   'text-anchor="start">prompts</text>')
        out.append(f'<text class="as-stage-end" x="{width - gap / 2:.0f}" y="{top - 12}" '
                   'text-anchor="end">optimizer</text>')
    mid = top + box_h / 2
    for i, stage in enumerate(stages):
        if vertical:
            x, y = 20, top + gap + i * (box_h + gap)
            out.append(f'<line class="as-stage-flow" x1="{width / 2}" y1="{y - gap + 4}" '
                       f'x2="{width / 2}" y2="{y - 4}" marker-end="url(#{marker})"/>')
        else:
            x, y = gap + i * (box_w + gap), top
            out.append(f'<line class="as-stage-flow" x1="{x - gap + 4}" y1="{mid}" '
                       f'x2="{x - 4}" y2="{mid}" marker-end="url(#{marker})"/>')
        lines = [f'<text class="as-stage-title" x="{x + box_w / 2}" y="{y + 32}" '
                 f'text-anchor="middle">{i + 1}. {html.escape(stage["label"])}</text>']
        for j, dim in enumerate(stage["dimensions"][:6]):
            lines.append(f'<text class="as-stage-dim" x="{x + 16}" y="{y + 60 + j * 20}">'
                         f'{html.escape(dim)}</text>')
        lines.append(f'<text class="as-stage-count" x="{x + box_w / 2}" y="{y + box_h - 12}" '
                     f'text-anchor="middle">{stage["options"]} options · '
                     f'{stage["entries"]} entries</text>')
        out.append(f'<a href="{html.escape(stage["href"], quote=True)}">'
                   f'<rect class="as-stage-box as-stage-{html.escape(stage["id"])}" x="{x}" '
                   f'y="{y}" width="{box_w}" height="{box_h}" rx="14"/>'
                   + "".join(lines) + "</a>")
    if vertical:
        last = top + gap + n * (box_h + gap) - gap
        out.append(f'<line class="as-stage-flow" x1="{width / 2}" y1="{last + 4}" '
                   f'x2="{width / 2}" y2="{height - 24}" marker-end="url(#{marker})"/>')
    else:
        last = gap + n * (box_w + gap) - gap
        out.append(f'<line class="as-stage-flow" x1="{last + 4}" y1="{mid}" x2="{width - 4}" '
                   f'y2="{mid}" marker-end="url(#{marker})"/>')
    out.append("</svg>")
    return "".join(out)
