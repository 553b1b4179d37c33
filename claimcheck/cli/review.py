"""The maintainers' and editors' commands: diff, history, accept, snooze, suggest, export."""

from __future__ import annotations

import html
import sys
from collections.abc import Iterator
from typing import Any

import click

from claimcheck.cli.common import claims_of, cli, store_of, write_report
from claimcheck.core.errors import ClaimcheckError, NotFound
from claimcheck.core.text import normalize
from claimcheck.core.verdicts import ExitCode
from claimcheck.reading.evidence import holds_evidence
from claimcheck.reading.textdiff import Span, paired, word_spans
from claimcheck.report import clean
from claimcheck.review.actions import accept as accept_baseline
from claimcheck.review.actions import accept_evidence, compare, suggestions
from claimcheck.review.actions import snooze as snooze_source
from claimcheck.review.actions import history as source_history


def _line(sign: str, spans: list[Span], *, colour: bool, bold: bool) -> str:
    """A '-' or '+' line with its changed words marked: in colour (reversed), or as `git diff --word-diff`
    marks them ([-old-], {+new+}). Each stretch is styled on its own, so a mark never ends the line's colour."""
    fg = "red" if sign == "-" else "green"
    parts = []
    for text, changed in spans:
        text = clean(text)
        if colour:
            text = click.style(text, fg=fg, bold=bold, reverse=changed)
        elif changed:
            text = f"[-{text}-]" if sign == "-" else f"{{+{text}+}}"
        parts.append(text)
    head = click.style(sign, fg=fg, bold=bold) if colour else sign
    return f"{head} {' '.join(parts)}"


def diff_lines(rows: list[tuple[str, str]], evidence: list[str], *, colour: bool) -> Iterator[str]:
    """The diff for a terminal: '-' and '+' lines, the words that changed in a line edited in place marked,
    and the lines that hold a claim's evidence passage marked, in colour (bold) and in words alike."""
    for item in paired(rows):
        if isinstance(item, str):
            yield f"  {clean(item)}"
            continue
        both = item.old is not None and item.new is not None
        spans = word_spans(item.old or "", item.new or "") if both else None
        for sign, line, side in (("-", item.old, 0), ("+", item.new, 1)):
            if line is None:
                continue
            holds = holds_evidence(line, evidence)
            text = _line(sign, spans[side] if spans else [(line, False)], colour=colour, bold=holds)
            yield text + ("   <== evidence passage" if holds else "")


@cli.command()
@click.argument("source")
@click.option("--color/--no-color", "colour", default=None, help="Colour (default: when the output is a terminal).")
@click.pass_context
def diff(ctx: click.Context, source: str, colour: bool | None) -> None:
    """Show how SOURCE's main text changed from its accepted baseline to the latest capture.

    Exits 0 when it compared the two (changed or not), 1 when there is nothing to compare: no URL, never
    captured, no baseline, or a latest capture that did not read the page (a 404, say)."""
    claims = claims_of(ctx)
    source_id = claims.source_named(source).id
    colour = sys.stdout.isatty() if colour is None else colour
    evidence = [normalize(c.evidence) for claim in claims.claims_citing(source_id) for c in claim.cites
                if c.source == source_id and c.evidence]
    with store_of(ctx, create=False) as store:
        comparison = compare(store, claims.sources[source_id])
    if comparison.nothing_because:
        click.echo(f"{source_id}: nothing to compare: {clean(comparison.nothing_because)}")
        ctx.exit(ExitCode.FINDINGS)
    assert comparison.baseline is not None and comparison.latest is not None
    if not comparison.rows:
        click.echo(f"{source_id}: no change in the main text since the accepted baseline "
                   f"(capture #{comparison.baseline['id']}; latest capture #{comparison.latest['id']})")
        return
    baseline, latest = comparison.baseline, comparison.latest
    click.echo(f"--- {source_id} baseline (capture #{baseline['id']} at {baseline['fetched_at']})")
    click.echo(f"+++ {source_id} latest capture (#{latest['id']} at {latest['fetched_at']})")
    for line in diff_lines(comparison.rows, evidence, colour=colour):
        click.echo(line, color=colour)


@cli.command()
@click.argument("source")
@click.pass_context
def history(ctx: click.Context, source: str) -> None:
    """List every capture, check and acceptance of SOURCE."""
    claims = claims_of(ctx)
    source_id = claims.source_named(source).id
    citing = claims.sources_at(claims.sources[source_id].url)
    if len(citing) > 1:  # several articles cite this URL: say which
        click.echo(f"{claims.sources[source_id].url} is cited by {len(citing)} articles: "
                   f"{', '.join(s.id for s in citing)}")
    with store_of(ctx, create=False) as store:
        events = source_history(store, claims.sources[source_id].key)
    if not events:
        click.echo(f"{source_id}: nothing recorded yet")
    for event in events:
        click.echo(f"{event.at}  {event.kind:<8}  {clean(event.summary)}")


@cli.command()
@click.argument("source")
@click.option("--note", required=True, help="Why it can wait (kept in the audit log).")
@click.option("--by", default=None, help="Who snoozes (default: $CLAIMCHECK_USER or the login name).")
@click.option("--capture", "capture_id", type=click.IntRange(1), default=None,
              help="Snooze while the page reads as this capture (default: the latest).")
@click.pass_context
def snooze(ctx: click.Context, source: str, note: str, by: str | None, capture_id: int | None) -> None:
    """Snooze a source's findings until its page changes again (the review app's "Snooze"): they leave the
    review app's "what needs me" while the page reads as now. Verdicts, reports and exit codes are unchanged."""
    claims = claims_of(ctx)
    with store_of(ctx) as store, store.locked():
        capture = snooze_source(store, claims, source, note, by=by, capture_id=capture_id)
    click.echo(f"{claims.source_named(source).id}: snoozed until the page reads otherwise than capture "
               f"#{capture['id']}")


@cli.command()
@click.argument("target", metavar="ID")
@click.option("--note", required=True, help="Why the change is accepted (kept in the audit log).")
@click.option("--by", default=None, help="Who accepts (default: $CLAIMCHECK_USER or the login name).")
@click.option("--capture", "capture_id", type=click.IntRange(1), default=None,
              help="Accept this capture (see `claimcheck history`) rather than the latest one.")
@click.option("--evidence", default=None, help="Accept this passage as the claim's evidence (ID is a claim).")
@click.option("--suggestion", type=click.IntRange(1, 50), default=None,
              help="Accept the Nth passage that `claimcheck suggest` ranks (ID is a claim).")
@click.option("--source", "source", default=None, help="With --evidence/--suggestion: which cited source.")
@click.option("--force", is_flag=True,
              help="With --evidence/--suggestion: record the passage even where the latest capture lacks it.")
@click.pass_context
def accept(ctx: click.Context, target: str, note: str, by: str | None, capture_id: int | None,
           evidence: str | None, suggestion: int | None, source: str | None, force: bool) -> None:
    """Accept the latest capture of a source (or of a claim's sources) as the new baseline,
    or accept an evidence passage for a claim. Every acceptance is kept in the audit log.

    A capture that did not read the page (a 404, a timeout) is never accepted as a baseline unless named with
    --capture, and an evidence passage must be found in the source's latest capture unless --force is given."""
    if evidence is not None and suggestion is not None:
        raise click.UsageError("give --evidence TEXT or --suggestion N, not both")
    wants_evidence = evidence is not None or suggestion is not None
    if wants_evidence and capture_id is not None:
        raise click.UsageError("--capture chooses a baseline; an evidence passage is checked against the latest "
                               "capture")
    if not wants_evidence and (source is not None or force):
        raise click.UsageError(f"{'--source' if source is not None else '--force'} goes with --evidence or "
                               "--suggestion")
    claims = claims_of(ctx)
    with store_of(ctx) as store, store.locked():
        if not wants_evidence:
            for done in accept_baseline(store, claims, target, note, by=by, capture_id=capture_id):
                if done.already is not None:
                    same = "" if done.already == done.capture_id else f" (capture #{done.already}, the same content)"
                    click.echo(f"{done.source_id}: capture #{done.capture_id} is already the baseline{same}; "
                               "nothing recorded")
                else:
                    click.echo(f"{done.source_id}: capture #{done.capture_id} is now the baseline")
            return
        claim = claims.claim_named(target)
        cited = list(dict.fromkeys(c.source for c in claim.cites))
        source_id = claims.source_named(source).id if source else (cited[0] if len(cited) == 1 else None)
        if source_id is None:
            raise ClaimcheckError(f"claim {target!r} cites {', '.join(cited)}: say which with --source")
        if suggestion is not None:
            ranked = suggestions(store, claims, target).get(source_id, [])
            if len(ranked) < suggestion:
                raise NotFound(f"there is no suggestion {suggestion} for {target}/{source_id} "
                               f"(run `claimcheck suggest {target}`)")
            evidence = ranked[suggestion - 1].passage
        assert evidence is not None
        result = accept_evidence(store, claims, target, source_id, evidence, note, by=by, force=force)
        if result.already:
            click.echo(f"{target}/{source_id}: this passage is already the accepted evidence; nothing recorded")
            return
        judged = result.support
        if result.forced:
            why = ("not checked" if result.score is None else f"best match {result.score:.2f}") + (
                f", {judged.summary()}" if judged is not None and not judged.holds else "")
            forced = f" (forced: {why}; the audit log says so)"
        else:
            forced = f" ({judged.summary()})" if judged is not None and judged.label.value == "partial" else ""
        click.echo(f"{target}/{source_id}: evidence accepted{forced}: {clean(evidence)}")
        click.echo("  (copy it into claims.yaml as the cite's `evidence` to keep the registry self-contained)")


@cli.command()
@click.argument("claim")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.pass_context
def suggest(ctx: click.Context, claim: str, limit: int) -> None:
    """Rank the archived passages of CLAIM's sources that best support it: those that carry the claim's
    numbers, names and words first, each with its support label (supported, partial, unsupported,
    contradicted)."""
    claims = claims_of(ctx)
    with store_of(ctx, create=False) as store:
        ranked = suggestions(store, claims, claim, limit)
    for source_id, items in ranked.items():
        click.echo(f"{source_id}:")
        if not items:
            click.echo("  nothing archived yet (run `claimcheck fetch`)")
        for index, item in enumerate(items, 1):
            click.echo(f"  {index}. [{item.score:.2f} {item.support.label}] {clean(item.passage)}")
            if not item.support.holds or item.support.label.value == "partial":
                click.echo(f"     {clean('; '.join(item.support.reasons))}")
    click.echo(f"\naccept one with: claimcheck accept {claim} --suggestion N [--source SOURCE] --note '…'")


@cli.command()
@click.option("--robust-links", is_flag=True, required=True, help="The Sources list as Robust Links anchors.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None)
@click.pass_context
def export(ctx: click.Context, robust_links: bool, output: str | None) -> None:
    """Export the article's Sources list as HTML anchors that survive link rot (Robust Links)."""
    claims = claims_of(ctx)
    lines = ["<ul>"]
    with store_of(ctx) as store:
        for source in claims.sources.values():
            label = html.escape(f"{source.publisher}, {source.title}"
                                + (f", {source.cited_date_text}" if source.cited_date_text else ""))
            if not source.url:
                lines.append(f"  <li>{label}</li>")
                continue
            attributes: dict[str, Any] = {"href": source.url, "data-originalurl": source.url}
            if source.cited_date:
                attributes["data-versiondate"] = source.cited_date.value.isoformat()
            memento = store.mementos.latest(source.url)
            if memento:
                attributes["data-versionurl"] = memento["memento_url"]
            rendered = " ".join(f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attributes.items())
            lines.append(f"  <li><a {rendered}>{label}</a></li>")
    lines.append("</ul>")
    write_report("\n".join(lines) + "\n", output)

