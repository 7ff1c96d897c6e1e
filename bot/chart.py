"""The metric series behind a diagnosis' deciding finding, drawn as a PNG for an incident thread in Slack.

The chart is a plain JSON dict (it is kept in a job's result): a title, a unit ("bytes", "ratio" or ""), one or
more series of [unix_seconds, value] points, and optional onset, baseline, peak and limit marks.
matplotlib is imported only when a chart is drawn (the web process that imports this module has a measured
cold start), and only through `Figure` + the Agg canvas: no pyplot, no global figure state, no open figures.
Text comes from telemetry, so it is cut short and its dollar signs are escaped (no mathtext).
"""

from __future__ import annotations

import io
import math
import re
from datetime import UTC, datetime
from typing import Any

_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
LIMIT_COLOUR = "#ff0000"  # no series colour is near it
_MAX_TITLE, _MAX_LABEL, _MAX_LEGEND = 90, 40, 6
_BLANKS = re.compile(r"\s+")


def _text(value: object, limit: int) -> str:
    """Telemetry as plain chart text: one line, at most `limit` characters, `$` not read as mathtext."""
    text = _BLANKS.sub(" ", str(value)).strip()
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mark(chart: dict[str, Any], key: str) -> float | None:
    value = chart.get(key)
    if value is None:
        return None
    if not _number(value):
        raise ValueError(f"chart {key!r} must be a number or null, not {value!r}")
    return float(value) if math.isfinite(value) else None


def _series(chart: dict[str, Any]) -> list[tuple[str, list[float], list[float]]]:
    """(label, unix seconds, values) per series, non-finite points dropped; ValueError if nothing is left."""
    series = chart.get("series")
    if not isinstance(series, list) or not series:
        raise ValueError("chart 'series' must be a non-empty list")
    lines = []
    for n, one in enumerate(series):
        points = one.get("points") if isinstance(one, dict) else None
        if not isinstance(points, list):
            raise ValueError(f"chart series {n} must be a dict with a 'points' list")
        if not all(isinstance(p, list | tuple) and len(p) == 2 and all(map(_number, p)) for p in points):
            raise ValueError(f"chart series {n}: every point must be a [unix_seconds, number] pair")
        kept = [(float(t), float(v)) for t, v in points if math.isfinite(t) and math.isfinite(v)]
        if kept:
            lines.append((str(one.get("label") or f"series {n + 1}"), [t for t, _ in kept], [v for _, v in kept]))
    if not lines:
        raise ValueError("chart has no finite points to draw")
    return lines


def _scale(unit: str, largest: float) -> tuple[float, str]:
    """Divisor and suffix of the y axis: bytes in B/KiB/MiB/GiB/TiB, a ratio in percent."""
    if unit == "ratio":
        return 0.01, "%"
    if unit != "bytes":
        return 1.0, ""
    power = 0
    while power < 4 and largest >= 1024 ** (power + 1):  # not math.log: log(1024**3, 1024) is 2.999…
        power += 1
    return 1024.0**power, ["B", "KiB", "MiB", "GiB", "TiB"][power]


def _columns(labels: list[str]) -> int:
    """The most legend columns (up to 4) whose width fits the figure: ~7 px a character at 9 pt, 60 px a key."""
    for columns in range(min(4, len(labels)), 1, -1):
        rows = -(-len(labels) // columns)  # the legend fills column by column
        width = sum(7 * max(map(len, labels[c * rows : (c + 1) * rows]), default=0) + 60 for c in range(columns))
        if width <= 960:
            return columns
    return 1


def render_chart(chart: dict[str, Any]) -> bytes:
    """PNG bytes: 1000x420, white, UTC HH:MM time axis; ValueError if the chart has no drawable points."""
    from matplotlib import dates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    lines = _series(chart)
    onset, baseline, peak, limit = (_mark(chart, key) for key in ("onset", "baseline", "peak", "limit"))
    unit = str(chart.get("unit") or "")
    values = [v for _, _, vs in lines for v in vs] + [m for m in (baseline, peak, limit) if m is not None]
    divisor, suffix = _scale(unit, max(abs(v) for v in values))
    space = "" if suffix in ("", "%") else " "

    def show(value: float) -> str:
        scaled = value / divisor
        return f"{scaled:.3g}{space}{suffix}" if abs(scaled) < 1000 else f"{scaled:.0f}{space}{suffix}"

    def when(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)

    zero = float(dates.date2num(when(0)))  # type: ignore[no-untyped-call]

    def day(seconds: float) -> float:  # matplotlib's time axis: days since its epoch
        return zero + seconds / 86400

    fig = Figure(figsize=(10, 4.2), dpi=100, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    handles = []
    for n, (label, times, vs) in enumerate(lines):
        (line,) = ax.plot([day(t) for t in times], [v / divisor for v in vs], color=_COLOURS[n % len(_COLOURS)],
                          linewidth=1.8, zorder=3, label=_text(label, _MAX_LABEL))  # fmt: skip
        if n < _MAX_LEGEND:
            handles.append(line)
    if len(lines) > _MAX_LEGEND:
        handles.append(ax.plot([], [], color="none", label=f"+{len(lines) - _MAX_LEGEND} more series")[0])
    if limit is not None:
        handles.append(ax.axhline(limit / divisor, color=LIMIT_COLOUR, linewidth=1.6, label=f"limit {show(limit)}"))
    if baseline is not None:
        handles.append(ax.axhline(baseline / divisor, color="#444444", linestyle=":", linewidth=1.6,
                                  label=f"baseline (median before onset) {show(baseline)}"))  # fmt: skip
    if onset is not None:
        handles.append(ax.axvline(day(onset), color="#222222", linestyle="--", linewidth=1.2,
                                  label=f"onset {when(onset):%H:%M:%S} UTC"))  # fmt: skip

    times = [t for _, ts, _ in lines for t in ts] + ([onset] if onset is not None else [])
    start, end = min(times), max(times)
    pad = max((end - start) * 0.02, 30.0)
    ax.set_xlim(day(start - pad), day(end + pad))
    if peak is not None:  # the point nearest the peak value, the earliest among equals; its label away from the edge
        _, t, v = min((abs(v - peak), t, v) for _, ts, vs in lines for t, v in zip(ts, vs, strict=True))
        left = t - start > (end - start) / 4
        ax.plot([day(t)], [v / divisor], marker="o", markersize=7, color="#111111", zorder=5)
        box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
        ax.annotate(f"peak {show(peak)}", (day(t), v / divisor), xytext=(-8 if left else 8, 8),
                    textcoords="offset points", ha="right" if left else "left", va="bottom", fontsize=9,
                    fontweight="bold", zorder=6, bbox=box)  # fmt: skip
    ax.xaxis.set_major_locator(dates.AutoDateLocator(tz=UTC, maxticks=10))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(dates.DateFormatter("%H:%M", tz=UTC))  # type: ignore[no-untyped-call]
    ax.set_xlabel(f"time (UTC), {' – '.join(sorted({f'{when(start):%Y-%m-%d}', f'{when(end):%Y-%m-%d}'}))}")
    if suffix:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}{space}{suffix}"))
    if unit in ("bytes", "ratio"):
        ax.set_ylim(bottom=0, top=max(max(values) / divisor * 1.15, 1e-9))
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    title = chart.get("title") or f"{chart.get('resource', '')}: {chart.get('metric', '')}"
    ax.set_title(_text(title, _MAX_TITLE), loc="left", fontsize=12)
    labels = [str(h.get_label()) for h in handles]
    fig.legend(handles, labels, loc="outside lower center", ncols=_columns(labels), fontsize=9, frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png", facecolor="white", metadata={"Software": None})
    return out.getvalue()
