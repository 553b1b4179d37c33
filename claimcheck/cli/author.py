"""The authoring commands: init (draft a claims file from an article), coverage (which sentences no claim
covers), locate (find a source's URL on its publisher's site)."""

from __future__ import annotations

from pathlib import Path

import click

from claimcheck.cli.common import claims_of, cli, store_of, write_report
from claimcheck.core.errors import ClaimcheckError
from claimcheck.core.verdicts import ExitCode
from claimcheck.store import DB_NAME
from claimcheck.store.postgres import is_database_url

# The commands' own modules are imported when a command runs: every other command starts without them.


@cli.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Where to write it (default: the --claims file).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def init(ctx: click.Context, article: str, output: str | None, force: bool) -> None:
    """Draft a claims file from ARTICLE (.md, .html/.htm, .rst or .txt): its cited works become sources, and
    every sentence that cites one (by a marker, a link, or by naming its publisher) a claim."""
    from claimcheck.authoring.draft import draft

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
    from claimcheck.authoring.coverage import as_json, as_markdown, as_text, measure

    claims = claims_of(ctx)
    store = store_of(ctx, create=False) if is_database_url(ctx.obj["store"]) or (
        Path(ctx.obj["store"]) / DB_NAME).exists() else None
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


@cli.command()
@click.argument("source")
@click.option("--site", required=True, metavar="URL", help="The publisher's site (its home page or press room).")
@click.option("--write", "write", is_flag=True, help="Put the best candidate's URL into the claims file.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Candidates shown.")
@click.option("--allow-private", is_flag=True, envvar="CLAIMCHECK_ALLOW_PRIVATE",
              help="Allow loopback and private addresses (refused by default). Also CLAIMCHECK_ALLOW_PRIVATE=1.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds per request.")
@click.pass_context
def locate(ctx: click.Context, source: str, site: str, write: bool, limit: int, allow_private: bool,
           timeout: float) -> None:
    """Find SOURCE's URL on its publisher's site: robots.txt's sitemaps, /sitemap.xml, sitemap indexes
    (gzip too) and the RSS/Atom feeds the home page links, ranked by title and by closeness to the cited
    date. Exit 1 when nothing is found."""
    from claimcheck.authoring.locate import MAX_LIST_BYTES, rank, search_site, write_url
    from claimcheck.net.records import FetchOptions

    claims = claims_of(ctx)
    wanted = claims.source_named(source)
    options = FetchOptions(allow_private=allow_private, total_timeout=timeout, max_body=MAX_LIST_BYTES)
    search = search_site(site, options)
    if search.refused_private:
        raise ClaimcheckError(f"--site {site}: its address is private or loopback, which the fetcher refuses; "
                              "--allow-private (or CLAIMCHECK_ALLOW_PRIVATE=1) allows it, for a site you run")
    candidates = rank(wanted, search.entries, limit)
    click.echo(f"{source}: {wanted.title!r} ({wanted.cited_date_text or 'no cited date'})")
    click.echo(f"read {len(search.lists)} lists, {len(search.entries):,} entries")
    for note in search.notes:
        click.echo(f"  note: {note}")
    if not candidates:
        click.echo("no candidates: the site lists no pages in a sitemap or feed")
        ctx.exit(ExitCode.FINDINGS)
    for number, candidate in enumerate(candidates, 1):
        entry = candidate.entry
        when = entry.when.isoformat() if entry.when else "no date"
        dated = "" if candidate.date_score is None else f", date {candidate.date_score:.2f}"
        click.echo(f"{number:>3}. {candidate.score:.3f}  {entry.url}\n       title {candidate.title_score:.2f}"
                   f"{dated} ({when}){f': {entry.title}' if entry.title else ''}; listed in {entry.found_in}")
    if write:
        best = candidates[0].entry.url
        write_url(Path(claims.path), source, best)
        click.echo(f"wrote url: {best} for {source} into {claims.path}")
