"""Charts for PDFs: matplotlib SVG with a CJK font, text drawn as paths so
the PDF needs no font for them (ECharts draws the same charts on screen)."""

import io
import itertools
import math
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "font.family": ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"],
        "axes.unicode_minus": False,
    }
)


_ids = itertools.count(1)


def _svg(figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = out.getvalue()
    text = text[text.index("<svg") :]
    # Several charts share one HTML page: give each its own element ids.
    prefix = f"c{next(_ids)}-"
    return (
        text.replace('id="', f'id="{prefix}')
        .replace('href="#', f'href="#{prefix}')
        .replace("url(#", f"url(#{prefix}")
    )


def radar_svg(*, labels: list[str], series: list[tuple[str, list]]) -> str:
    """A radar chart (0-100) of one or more series over the same labels."""
    return _svg(radar_figure(labels=labels, series=series))


def radar_figure(*, labels: list[str], series: list[tuple[str, list]]):
    count = max(len(labels), 3)
    angles = [2 * math.pi * i / count for i in range(count)]
    figure = plt.figure(figsize=(4.2, 3.6))
    axes = figure.add_subplot(polar=True)
    axes.set_ylim(0, 100)
    axes.set_xticks(angles[: len(labels)])
    axes.set_xticklabels([_wrapped(label) for label in labels], fontsize=8)
    # Labels stand clear of the outer circle (a long one touched it): each
    # grows away from the circle, on the side of the chart it stands on.
    axes.tick_params(axis="x", pad=6)
    for angle, text in zip(angles, axes.get_xticklabels(), strict=False):
        side = math.cos(angle)
        text.set_horizontalalignment(
            "left" if side > 0.1 else "right" if side < -0.1 else "center"
        )
    axes.tick_params(axis="y", labelsize=6)
    for name, values in series:
        # A dimension without a score is a gap in the line, not a 0 (which
        # pulled the polygon through the centre, as if the cadre scored 0).
        points = [math.nan if v is None else float(v) for v in values]
        points += [math.nan] * (count - len(values))
        axes.plot(
            angles + angles[:1], points + points[:1],
            linewidth=1.5, marker="o", markersize=2.5, label=name,
        )  # fmt: skip
        known = [
            (a, v) for a, v in zip(angles, points, strict=True) if not math.isnan(v)
        ]
        if len(known) >= 3:
            axes.fill([a for a, _v in known], [v for _a, v in known], alpha=0.15)
    axes.legend(loc="upper right", bbox_to_anchor=(1.35, 1.1), fontsize=7)
    return figure


def _wrapped(label: str) -> str:
    """A long axis label on two or more lines: Chinese in two halves past 6
    characters, other languages at word boundaries."""
    if label.isascii():
        return "\n".join(textwrap.wrap(label, 14)) or label
    if len(label) <= 6:
        return label
    half = (len(label) + 1) // 2
    return label[:half] + "\n" + label[half:]


def bar_svg(*, categories: list, series: list[tuple[str, list]], stacked=True) -> str:
    figure, axes = plt.subplots(figsize=(6, 2.8))
    bottom = [0.0] * len(categories)
    labels = [str(c) for c in categories]
    width = 0.8 if stacked else 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        values = [float(v or 0) for v in values]
        if stacked:
            axes.bar(labels, values, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        else:
            xs = [i + index * width for i in range(len(labels))]
            axes.bar(xs, values, width=width, label=name)
    if not stacked:
        axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(labels))])
        axes.set_xticklabels(labels)
    axes.tick_params(axis="x", labelsize=7, rotation=30)
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)
