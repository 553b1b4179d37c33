"""The maintainers' and editors' commands: diff, history, accept, suggest, export."""

from __future__ import annotations

import html
import sys
from typing import Any

import click

from .claims import ClaimsFile
from .cli import _claims, _store, _write, cli
from .errors import ClaimcheckError, NotFound
from .match import find_evidence, normalize
from .report import clean
from .review import accept as accept_baseline
from .review import accept_evidence, suggestions, text_diff
from .review import history as source_history


def _source_id(claims: ClaimsFile, source: str) -> str:
    if source not in claims.sources:
        raise NotFound(f"no source {source!r} in {claims.path} (known: {', '.join(sorted(claims.sources))})")
    return source


@cli.command()
@click.argument("source")
@click.option("--color/--no-color", "colour", default=None, help="Colour (default: when the output is a terminal).")
@click.pass_context
def diff(ctx: click.Context, source: str, colour: bool | None) -> None:
    """Show how SOURCE's main text changed from its accepted baseline to the latest capture."""
    claims = _claims(ctx)
    source_id = _source_id(claims, source)
    colour = sys.stdout.isatty() if colour is None else colour
    evidence = [normalize(c.evidence) for claim in claims.claims_citing(source_id) for c in claim.cites
                if c.source == source_id and c.evidence]
    with _store(ctx, create=False) as store:
        rows = text_diff(store, source_id)
        baseline = store.baseline(source_id)
    if not rows:
        click.echo(f"{source_id}: no change in the main text since the accepted baseline"
                   + (f" (capture #{baseline['capture_id']})" if baseline else " (no baseline yet)"))
        return
    click.echo(f"--- {source_id} baseline (capture #{baseline['capture_id'] if baseline else '?'})")
    click.echo(f"+++ {source_id} latest capture")
    for op, line in rows:
        text = f"{op} {clean(line)}"
        holds_evidence = any(e and find_evidence(e, line).score >= 0.9 for e in evidence) if op != " " else False
        if colour:
            fg = {"-": "red", "+": "green"}.get(op)
            text = click.style(text, fg=fg, bold=holds_evidence, underline=holds_evidence)
        elif holds_evidence:
            text += "   <== evidence passage"
        click.echo(text, color=colour)


@cli.command()
@click.argument("source")
@click.pass_context
def history(ctx: click.Context, source: str) -> None:
    """List every capture, check and acceptance of SOURCE."""
    source_id = _source_id(_claims(ctx), source)
    with _store(ctx, create=False) as store:
        events = source_history(store, source_id)
    if not events:
        click.echo(f"{source_id}: nothing recorded yet")
    for event in events:
        click.echo(f"{event.at}  {event.kind:<8}  {clean(event.summary)}")


@cli.command()
@click.argument("target", metavar="ID")
@click.option("--note", required=True, help="Why the change is accepted (kept in the audit log).")
@click.option("--by", default=None, help="Who accepts (default: $CLAIMCHECK_USER or the login name).")
@click.option("--evidence", default=None, help="Accept this passage as the claim's evidence (ID is a claim).")
@click.option("--suggestion", type=click.IntRange(1, 50), default=None,
              help="Accept the Nth passage that `claimcheck suggest` ranks (ID is a claim).")
@click.option("--source", "source", default=None, help="With --evidence/--suggestion: which cited source.")
@click.pass_context
def accept(ctx: click.Context, target: str, note: str, by: str | None, evidence: str | None,
           suggestion: int | None, source: str | None) -> None:
    """Accept the latest capture of a source (or of a claim's sources) as the new baseline,
    or accept an evidence passage for a claim. Every acceptance is kept in the audit log."""
    claims = _claims(ctx)
    with _store(ctx) as store, store.locked():
        if evidence is None and suggestion is None:
            for done in accept_baseline(store, claims, target, note, by=by):
                click.echo(f"{done.source_id}: capture #{done.capture_id} is now the baseline")
            return
        claim = claims.claim(target)
        if claim is None:
            raise NotFound(f"no claim {target!r} in {claims.path}")
        cited = list(dict.fromkeys(c.source for c in claim.cites))
        source_id = source or (cited[0] if len(cited) == 1 else None)
        if source_id is None:
            raise ClaimcheckError(f"claim {target!r} cites {', '.join(cited)}: say which with --source")
        if suggestion is not None:
            ranked = suggestions(store, claims, target).get(source_id, [])
            if len(ranked) < suggestion:
                raise NotFound(f"there is no suggestion {suggestion} for {target}/{source_id} "
                               f"(run `claimcheck suggest {target}`)")
            evidence = ranked[suggestion - 1].passage
        assert evidence is not None
        accept_evidence(store, claims, target, source_id, evidence, note, by=by)
        click.echo(f"{target}/{source_id}: evidence accepted: {clean(evidence)}")
        click.echo("  (copy it into claims.yaml as the cite's `evidence` to keep the registry self-contained)")


@cli.command()
@click.argument("claim")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.pass_context
def suggest(ctx: click.Context, claim: str, limit: int) -> None:
    """Rank the archived passages of CLAIM's sources that best support it."""
    claims = _claims(ctx)
    with _store(ctx, create=False) as store:
        ranked = suggestions(store, claims, claim, limit)
    for source_id, items in ranked.items():
        click.echo(f"{source_id}:")
        if not items:
            click.echo("  nothing archived yet (run `claimcheck fetch`)")
        for index, item in enumerate(items, 1):
            click.echo(f"  {index}. [{item.score:.2f}] {clean(item.passage)}")
    click.echo(f"\naccept one with: claimcheck accept {claim} --suggestion N [--source SOURCE] --note '…'")


@cli.command()
@click.option("--robust-links", is_flag=True, required=True, help="The Sources list as Robust Links anchors.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None)
@click.pass_context
def export(ctx: click.Context, robust_links: bool, output: str | None) -> None:
    """Export the article's Sources list as HTML anchors that survive link rot (Robust Links)."""
    claims = _claims(ctx)
    lines = ["<ul>"]
    with _store(ctx) as store:
        for source in claims.sources.values():
            label = html.escape(f"{source.publisher}, {source.title}"
                                + (f", {source.cited_date_text}" if source.cited_date_text else ""))
            if not source.url:
                lines.append(f"  <li>{label}</li>")
                continue
            attributes: dict[str, Any] = {"href": source.url, "data-originalurl": source.url}
            if source.cited_date:
                attributes["data-versiondate"] = source.cited_date.value.isoformat()
            memento = store.latest_memento(source.url)
            if memento:
                attributes["data-versionurl"] = memento["memento_url"]
            rendered = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attributes.items())
            lines.append(f"  <li><a {rendered}>{label}</a></li>")
    lines.append("</ul>")
    _write("\n".join(lines) + "\n", output)

