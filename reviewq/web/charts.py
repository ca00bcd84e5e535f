"""Server-rendered SVG charts for the reports: no script, no library, nothing inline that the
Content-Security-Policy refuses (colours come from classes in reviewq.css). Every label is
escaped; every chart has a <title> and an accessible name, and its page shows the numbers in
a table below it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36
SERIES_CLASSES = 6  # .series-0 .. .series-5 in reviewq.css


def _nice_top(values: Sequence[float]) -> float:
    """A round upper bound for the axis (1, 2 or 5 times a power of ten)."""
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    power = 10 ** len(str(int(top))) / 10 if top >= 1 else 1.0
    if top < 1:
        power = 0.1
        while power / 10 >= top:
            power /= 10
    for step in (1, 2, 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power


def _short(label: str) -> str:
    """A date label without its year (the table below has it); others as they are."""
    return label[5:] if len(label) == 10 and label[4] == "-" and label[7] == "-" else label


def _number(value: float) -> str:
    return f"{value:g}" if value < 1 else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _frame(title: str, top: float, labels: Sequence[str], body: Markup, legend: Markup) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    ticks = Markup("").join(
        Markup(
            '<line class="grid" x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}"/>'
            '<text class="tick" x="{tx}" y="{ty:.1f}" text-anchor="end">{v}</text>'
        ).format(
            l=LEFT,
            r=WIDTH - RIGHT,
            y=TOP + plot_h * (1 - k / 4),
            tx=LEFT - 4,
            ty=TOP + plot_h * (1 - k / 4) + 4,
            v=_number(top * k / 4),
        )
        for k in range(5)
    )
    every = max(1, -(-len(labels) // 8))  # at most about eight labels on the axis
    step = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    names = Markup("").join(
        Markup('<text class="tick" x="{x:.1f}" y="{y}" text-anchor="middle">{t}</text>').format(
            x=LEFT + step * (i + 0.5), y=HEIGHT - BOTTOM + 14, t=_short(label)
        )
        for i, label in enumerate(labels)
        if i % every == 0
    )
    return Markup(
        '<figure class="chart"><svg viewBox="0 0 {w} {h}" role="img" aria-label="{t}" '
        'preserveAspectRatio="xMidYMid meet"><title>{t}</title>{ticks}{body}{names}</svg>'
        "{legend}</figure>"
    ).format(w=WIDTH, h=HEIGHT, t=title, ticks=ticks, body=body, names=names, legend=legend)


def _legend(names: Sequence[str]) -> Markup:
    if len(names) < 2:
        return Markup("")
    items = Markup("").join(
        Markup('<li><span class="swatch series-{k}" aria-hidden="true"></span>{n}</li>').format(
            k=k % SERIES_CLASSES, n=name
        )
        for k, name in enumerate(names)
    )
    return Markup('<ul class="legend">{}</ul>').format(items)


def line_chart(
    title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> Markup:
    """Lines over buckets (``labels``); a None value breaks its line."""
    values = [float(v) for vs in series.values() for v in vs if v is not None]
    top = _nice_top(values)
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    paths = []
    for k, (name, vs) in enumerate(series.items()):
        points: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(vs):
            if v is None:
                segments.append(points)
                points = []
                continue
            y = TOP + plot_h * (1 - float(v) / top)
            points.append(f"{LEFT + step * (i + 0.5):.1f},{y:.1f}")
        segments.append(points)
        for pts in segments:
            if len(pts) == 1:
                cx, cy = pts[0].split(",")
                paths.append(
                    Markup('<circle class="dot series-{k}" cx="{x}" cy="{y}" r="3"/>').format(
                        k=k % SERIES_CLASSES, x=cx, y=cy
                    )
                )
            elif pts:
                paths.append(
                    Markup(
                        '<polyline class="line series-{k}" points="{p}"><title>{n}</title>'
                        "</polyline>"
                    ).format(k=k % SERIES_CLASSES, p=" ".join(pts), n=name)
                )
    return _frame(title, top, labels, Markup("").join(paths), _legend(list(series)))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None]) -> Markup:
    """One bar per label (None: no bar)."""
    top = _nice_top([float(v) for v in values if v is not None])
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    bars = Markup("").join(
        Markup(
            '<rect class="bar series-0" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
            "<title>{t}: {v}</title></rect>"
        ).format(
            x=LEFT + step * i + step * 0.15,
            y=TOP + plot_h * (1 - float(v) / top),
            w=step * 0.7,
            h=plot_h * float(v) / top,
            t=label,
            v=v,
        )
        for i, (label, v) in enumerate(zip(labels, values, strict=True))
        if v is not None
    )
    return _frame(title, top, labels, bars, Markup(""))
