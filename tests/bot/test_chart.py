"""The deciding finding's chart: a real PNG of the series, its limit line drawn, telemetry text never mathtext."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import numpy
import pytest
from PIL import Image

from bot.chart import render_chart
from tests.conftest import ROOT

MiB = 1024 * 1024
START = 1_718_013_600  # 2024-06-10 10:00 UTC


def oom_chart(**changes: Any) -> dict[str, Any]:
    """checkout's working set over 30 min at 15 s: flat near 300 MiB, then from the onset up to the 512 MiB limit."""
    points = []
    for i in range(121):
        flat = 300 * MiB + (i % 4) * 2 * MiB
        rising = 300 * MiB + (i - 60) * 9 * MiB
        points.append([START + 15 * i, flat if i < 60 else min(rising, 512 * MiB)])
    chart = {
        "title": "checkout: container_memory_working_set_bytes",
        "metric": "container_memory_working_set_bytes",
        "resource": "checkout",
        "unit": "bytes",
        "series": [{"label": "checkout-7d9f8b6c4-x2k9p", "points": points}],
        "onset": START + 15 * 60,
        "baseline": 302 * MiB,
        "peak": 512 * MiB,
        "limit": 512 * MiB,
    }
    return chart | changes


def image(chart: dict[str, Any]) -> Image.Image:
    png = render_chart(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png))


def red_pixels(picture: Image.Image) -> int:
    """Pixels of the limit line's colour (#ff0000); no series or mark uses anything near it."""
    r, g, b = numpy.asarray(picture.convert("RGB")).astype(int).transpose(2, 0, 1)
    return int(((r >= 230) & (g <= 40) & (b <= 40)).sum())


def test_the_oom_chart_is_a_1000x420_png_on_white() -> None:
    picture = image(oom_chart())
    assert picture.format == "PNG"
    assert picture.size == (1000, 420)
    assert picture.mode == "RGBA"
    assert picture.getpixel((2, 2)) == (255, 255, 255, 255)


def test_the_limit_line_is_drawn_and_only_when_there_is_a_limit() -> None:
    assert red_pixels(image(oom_chart())) > 500
    assert red_pixels(image(oom_chart(limit=None))) == 0


def test_the_same_chart_gives_the_same_bytes() -> None:
    assert render_chart(oom_chart()) == render_chart(oom_chart())


@pytest.mark.parametrize(
    "series",
    [
        [],
        [{"label": "a", "points": []}],
        [{"label": "a", "points": [[START, float("nan")], [START + 15, float("inf")]]}],
        [{"label": "a", "points": [[START, "300"]]}],
        [{"label": "a", "points": [[START, 1.0, 2.0]]}],
        [{"label": "a", "points": [[START, None]]}],
        [{"label": "a"}],
        None,
    ],
)
def test_a_chart_without_drawable_numeric_points_is_refused(series: Any) -> None:
    with pytest.raises(ValueError, match="chart"):
        render_chart(oom_chart(series=series))


def test_non_finite_points_are_skipped_not_drawn() -> None:
    chart = oom_chart()
    chart["series"][0]["points"] += [[START + 2000, float("nan")], [float("inf"), 1.0]]
    assert image(chart).size == (1000, 420)


@pytest.mark.parametrize(
    "title", ["$x$", "cost $5 and $", r"$\undefinedcommand{$", "mem " + "$" * 300, "two\nlines\tand a tab"]
)
def test_telemetry_text_with_dollars_is_text_not_mathtext(title: str) -> None:
    series = [{"label": "pod-$a$", "points": [[START, 0.2], [START + 60, 0.9]]}]
    chart = oom_chart(title=title, unit="ratio", series=series, limit=1.0, peak=0.9, baseline=0.2)
    assert image(chart).size == (1000, 420)


def test_many_series_a_ratio_and_an_onset_before_the_data_still_render() -> None:
    series = [
        {"label": f"payments-{k}", "points": [[START + 60 * i, 0.1 * k + 0.001 * i] for i in range(60)]}
        for k in range(12)
    ]
    chart = oom_chart(unit="ratio", series=series, onset=START - 3600, baseline=0.3, peak=None, limit=None)
    assert image(chart).size == (1000, 420)


def test_importing_the_module_does_not_import_matplotlib() -> None:
    # the web process (bot.app) and the CLI never load it either: only a worker drawing a chart does
    code = "import bot.chart, bot.app, bot.cli, sys; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
