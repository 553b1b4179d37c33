"""The report stage: a run's findings rendered for people and machines.

`model` builds the one `ReportData` every renderer is fed (`build_report`); each format is a module of its
own (`text`, `jsonfmt`, `markdown`, `html`, `junit`), chosen by name from `FORMATS` through `renderers()`;
`notify` makes a run's findings one message and sends it through apprise (`check --notify`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from claimcheck.report.model import (
    SHOW_CHOICES,
    ClaimReport,
    ClaimReports,
    ReportData,
    build_report,
    clean,
)

Renderer = Callable[[ReportData], Iterator[str]]  # the report in pieces, written out as they come

FORMATS = ("text", "json", "markdown", "html", "junit")


def renderers() -> dict[str, Renderer]:
    # Imported when asked for: a run that writes text needs neither the HTML nor the JUnit renderer.
    from claimcheck.report import html, jsonfmt, junit, markdown, text
    return {"text": text.render, "json": jsonfmt.render, "markdown": markdown.render, "html": html.render,
            "junit": junit.render}


__all__ = ["FORMATS", "SHOW_CHOICES", "ClaimReport", "ClaimReports", "Renderer", "ReportData", "build_report",
           "clean", "renderers"]
