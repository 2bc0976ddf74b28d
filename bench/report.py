"""The one table ``python -m bench`` prints: a row per number, a column per database,
and the target each number is held to (met / MISSED)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Results = Mapping[str, float]  # one database's numbers, by key
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# 1.2 times the 5 MiB file, plus 100 KB
STORAGE_TARGET_MB = (1.2 * 5 * 1024 * 1024 + 100_000) / 1e6


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    key: str
    fmt: str = "{:.0f}"
    target: str = ""
    met: Callable[[float], bool] | None = None


def rows(small: str, large: str, rate: float) -> list[Row]:
    return [
        Row("Ingest, bot with journal (msg/s)", "ingest_bot"),
        Row("Ingest, ceiling: empty handler (msg/s)", "ingest_ceiling"),
        Row("Ingest, bot / ceiling", "ingest_ratio", "{:.0%}", ">= 60%", lambda v: v >= 0.6),
        Row(f"Mark-to-email p50 at {rate:g} marks/s (ms)", "latency_p50"),
        Row(
            f"Mark-to-email p99 at {rate:g} marks/s (ms)",
            "latency_p99",
            "{:.0f}",
            "<= 300 ms",
            lambda v: v <= 300,
        ),
        Row("  marks counted / with a mail missing", "latency_marks", "{:.0f}"),
        Row(
            "Outbox, MailWorker x4 connections (mails/s)",
            "outbox_rate",
            "{:.0f}",
            ">= 200",
            lambda v: v >= 200,
        ),
        Row(f"Edit of an agreed message, {small} history (ms)", "edit_small", "{:.1f}"),
        Row(f"Edit of an agreed message, {large} history (ms)", "edit_large", "{:.1f}"),
        Row(f"Edit cost {large} / {small}", "edit_ratio", "{:.2f}", "<= 1.20", lambda v: v <= 1.2),
        Row(f"  /agree, {small} history (ms per mark)", "mark_small", "{:.1f}"),
        Row(f"  /agree, {large} history (ms per mark)", "mark_large", "{:.1f}"),
        Row(
            "Database per agreement, 5 MiB file and 2 parties, mails sent (MB)",
            "storage_mb",
            "{:.2f}",
            "<= 6.39 MB",
            lambda v: v <= STORAGE_TARGET_MB,
        ),
        Row("  of which in rows' text and blob columns (MB)", "storage_rows_mb", "{:.2f}"),
        Row(
            "Verify page, one such mail (7 MB), median of 5 (ms)",
            "verify_ms",
            "{:.0f}",
            "<= 1000 ms",
            lambda v: v <= 1000,
        ),
        Row(
            "Mini App list, 1M agreements, worst case p99 (ms)",
            "mini_app_p99",
            "{:.1f}",
            "<= 50 ms",
            lambda v: v <= 50,
        ),
        Row("Peak RSS (VmHWM), bot during ingest (MiB)", "rss_bot"),
        Row("Peak RSS (VmHWM), ceiling during ingest (MiB)", "rss_ceiling"),
        Row(
            "Peak RSS, bot - ceiling (MiB)", "rss_extra", "{:.0f}", "<= 60 MiB", lambda v: v <= 60
        ),
        Row(
            "Other processes' CPU during a part, worst (cores)",
            "foreign_load",
            "{:.2f}",
            "<= 0.10",
            lambda v: v <= 0.1,
        ),
        Row("Run time (s)", "seconds"),
    ]


def cell(row: Row, results: Results) -> str:
    if row.key == "latency_marks" and "latency_marks" in results:
        return f"{results['latency_marks']:.0f} / {results.get('latency_missing', 0):.0f}"
    value = results.get(row.key)
    if value is None:
        return "error" if results.get(f"{row.key}_failed") else "-"
    text = "inf" if math.isinf(value) else row.fmt.format(value)
    if row.met is not None:
        text += " met" if row.met(value) else " MISSED"
    return text


def table(columns: Mapping[str, Results], small: str, large: str, rate: float) -> str:
    names = list(columns)
    header = ["", *(NAMES.get(name, name) for name in names), "target"]
    lines = [
        [row.label, *(cell(row, columns[name]) for name in names), row.target]
        for row in rows(small, large, rate)
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(line: list[str]) -> str:
        first = line[0].ljust(widths[0])
        rest = [text.rjust(width) for text, width in zip(line[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "-" * len(render(header))
    return "\n".join([render(header), rule, *map(render, lines)])


def derive(results: dict[str, float]) -> None:
    """The ratios, from the numbers they are made of."""
    if "ingest_bot" in results and "ingest_ceiling" in results:
        results["ingest_ratio"] = results["ingest_bot"] / results["ingest_ceiling"]
    if "rss_bot" in results and "rss_ceiling" in results:
        results["rss_extra"] = results["rss_bot"] - results["rss_ceiling"]
    if "edit_small" in results and "edit_large" in results:
        results["edit_ratio"] = results["edit_large"] / results["edit_small"]
