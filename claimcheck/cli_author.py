"""The authoring commands: init (draft a claims file from an article), coverage (which sentences no claim
covers), locate (find a source's URL on its publisher's site)."""

from __future__ import annotations

from pathlib import Path

import click

from .authoring import draft
from .cli_common import claims_of, cli, store_of, write_report
from .coverage import as_json, as_markdown, as_text, measure
from .errors import ClaimcheckError
from .store import DB_NAME
from .verdicts import ExitCode


@cli.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Where to write it (default: the --claims file).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def init(ctx: click.Context, article: str, output: str | None, force: bool) -> None:
    """Draft a claims file from ARTICLE (.md, .html/.htm or .txt): its cited works become sources, and
    every sentence that cites one (by a marker, a link, or by naming its publisher) a claim."""
    target = Path(output or ctx.obj["claims"])
    if target.exists() and not force:
        raise ClaimcheckError(f"{target} exists; use --force to overwrite it")
    text, sources, claims = draft(article, target)
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ClaimcheckError(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"{target}: drafted {claims} claims citing {sources} sources from {article}; "
               f"check it with `claimcheck --claims {target} lint`", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--fail-on-uncovered", is_flag=True,
              help="Exit 1 when a check-worthy sentence is covered by no claim (for CI).")
@click.pass_context
def coverage(ctx: click.Context, fmt: str, output: str | None, fail_on_uncovered: bool) -> None:
    """Every sentence of the claims file's article: which claims cover it, whether it is check-worthy, and
    for check-worthy sentences no claim covers, the best supporting passages among the archived sources."""
    claims = claims_of(ctx)
    store_path = Path(ctx.obj["store"])
    store = store_of(ctx, create=False) if (store_path / DB_NAME).exists() else None
    try:
        measured = measure(claims, store)
    finally:
        if store is not None:
            store.close()
    pieces = {"json": lambda: iter([as_json(measured)]), "text": lambda: as_text(measured),
              "markdown": lambda: as_markdown(measured)}[fmt]()
    write_report(pieces, output)
    if fail_on_uncovered and measured.uncovered():
        ctx.exit(ExitCode.FINDINGS)
