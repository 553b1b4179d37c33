"""The command line: parses options, calls the library, prints. Errors become exit codes here and only here."""

from __future__ import annotations

import errno
import gc
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from claimcheck.cli.common import claims_of, cli, store_of, write_report
from claimcheck.core.errors import ClaimcheckError, Interrupted, RunNotOpen, StoreLocked
from claimcheck.core.signals import exit_code, stop_on_signals
from claimcheck.core.text import counted
from claimcheck.core.urls import resource_key, valid_http_url
from claimcheck.core.verdicts import FAIL_ON_CHOICES, ExitCode, exit_code_for, present
from claimcheck.net.memento import DEFAULT_TIMEGATE
from claimcheck.net.records import FetchOptions
from claimcheck.pipeline import RunSettings, check_claims, fetch_shard, fetch_sources, judge_run, open_run
from claimcheck.reading.match import DEFAULT_THRESHOLD
from claimcheck.report import FORMATS, SHOW_CHOICES, build_report, renderers
from claimcheck.report.text import render as render_text
from claimcheck.settings import Policy
from claimcheck.store import Store

_DEFAULTS = FetchOptions()


def fetch_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by `fetch` and `check` (names follow lychee's)."""
    options = [
        click.option("--max-concurrency", type=click.IntRange(1, 1024), default=_DEFAULTS.max_concurrency,
                     show_default=True, help="Requests in flight at once, over all hosts."),
        click.option("--host-concurrency", type=click.IntRange(1, 256), default=_DEFAULTS.host_concurrency,
                     show_default=True, help="Requests in flight at once to one host."),
        click.option("--host-request-interval", type=click.FloatRange(0, 3600),
                     default=_DEFAULTS.host_request_interval, show_default=True,
                     help="Seconds between request starts to one host."),
        click.option("--timeout", type=click.FloatRange(0.1, 3600), default=_DEFAULTS.total_timeout,
                     show_default=True, help="Seconds a whole request (body included) may take."),
        click.option("--max-body", type=click.IntRange(1024), default=_DEFAULTS.max_body, show_default=True,
                     help="Largest body accepted, raw or decompressed, in bytes."),
        click.option("--allow-private", is_flag=True, envvar="CLAIMCHECK_ALLOW_PRIVATE",
                     help="Allow loopback and private addresses (refused by default). "
                          "Also CLAIMCHECK_ALLOW_PRIVATE=1."),
        click.option("--canary", multiple=True, metavar="URL",
                     help="A URL that must answer for the network to count as up (repeatable)."),
        click.option("--no-soft404-probe", "no_probe", is_flag=True,
                     help="Do not ask sites what they answer for a made-up URL (soft-404 detection)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress display."),
        click.option("--wait", "lock_wait", type=click.FloatRange(0, 86400), default=0.0, show_default=True,
                     help="Seconds to wait for another run's lock on the store before giving up."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _Progress:
    """A progress bar on a terminal's stderr; nothing at all otherwise."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _settings(kwargs: dict[str, Any], progress: _Progress, **extra: Any) -> RunSettings:
    fetch = FetchOptions(
        max_concurrency=kwargs["max_concurrency"], host_concurrency=kwargs["host_concurrency"],
        host_request_interval=kwargs["host_request_interval"], total_timeout=kwargs["timeout"],
        max_body=kwargs["max_body"], allow_private=bool(kwargs["allow_private"]))
    for url in kwargs["canary"]:
        if why := valid_http_url(url):
            raise click.BadParameter(f"{url}: {why}", param_hint="--canary")
    return RunSettings(fetch=fetch, progress=progress, lock_wait=kwargs["lock_wait"], canary=tuple(kwargs["canary"]),
                       probe_soft404=not kwargs["no_probe"], **extra)



def _check_writable(output: str | None) -> None:
    """Say at once, not after a whole check, that the report could not be written where asked."""
    if not output or output == "-":
        return
    target = Path(output)
    problem = None
    if not target.parent.is_dir():
        problem = errno.ENOENT
    elif target.is_dir():
        problem = errno.EISDIR
    elif not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        problem = errno.EACCES
    if problem is not None:
        raise ClaimcheckError(f"cannot write the report to {output}: {os.strerror(problem)}")


_FOR_PEOPLE = ("text", "markdown", "html")  # worst claims first; JSON and JUnit keep the claims file's order


def _render(store: Store, run_id: int, fmt: str, output: str | None, show: str = "all") -> None:
    data = build_report(store, run_id, with_diffs=fmt in ("html", "markdown"), worst_first=fmt in _FOR_PEOPLE,
                        show=show)
    if fmt == "text":
        colour = not output and sys.stdout.isatty()
        write_report(render_text(data, colour=colour), output)
    else:
        write_report(renderers()[fmt](data), output)


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                             help="Report format.")
output_option = click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
                             help="Write the report to FILE (default: stdout).")
show_option = click.option("--show", type=click.Choice(SHOW_CHOICES), default="all", show_default=True,
                           help="Text, Markdown, HTML: list every claim (verified ones folded in Markdown and "
                                "HTML), or only those with problems.")
fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), default="error", show_default=True,
                              help="Exit 1 when any finding is at or above this level.")


@cli.command()
@click.pass_context
def lint(ctx: click.Context) -> None:
    """Validate the claims file; every problem names the file, line and field."""
    claims = claims_of(ctx)
    if not claims.sources or not claims.claims:
        missing = " and ".join(what for what, items in (("sources", claims.sources), ("claims", claims.claims))
                               if not items)
        click.echo(f"{claims.path}: warning: valid, but it has no {missing}: nothing would be checked", err=True)
    without_url = [s.id for s in claims.sources.values() if not s.url]
    without_evidence = sum(1 for c in claims.claims for cite in c.cites if not cite.evidence)
    claims_per = Counter(c.article for c in claims.claims)
    sources_per = Counter(s.article for s in claims.sources.values())
    for info in claims.articles:  # several files: each named, then the whole
        click.echo(f"{info.file}: {counted(claims_per[info.label], 'claim')}, "
                   f"{counted(sources_per[info.label], 'source')}: OK")
    if claims.articles:
        urls = len({resource_key(s.url) for s in claims.sources.values() if s.url})
        click.echo(f"{len(claims.articles)} claims files: {len(claims.claims)} claims, {len(claims.sources)} "
                   f"sources citing {urls} distinct URLs: OK")
    else:
        click.echo(f"{claims.path}: {counted(len(claims.claims), 'claim')}, "
                   f"{counted(len(claims.sources), 'source')}: OK")
    if without_url:
        click.echo(f"  sources without a URL (reported as unchecked): {', '.join(without_url)}")
    if without_evidence:
        click.echo(f"  {without_evidence} citations have no evidence passage yet (see `claimcheck suggest`)")


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not K/N (e.g. 0/4)", param_hint="--shard") from None
    if not 0 <= k < n:
        raise click.BadParameter(f"{value!r}: K must be from 0 to N-1", param_hint="--shard")
    return k, n


@cli.command()
@click.option("--shard", "shard_text", default=None, metavar="K/N",
              help="Fetch only the URLs whose host hashes to shard K of N (K from 0), into an open run (--run): "
                   "start N of these, on one machine or many, then `check --judge-only --run RUN`.")
@click.option("--run", "run_id", type=int, default=None,
              help="With --shard: the open run to fetch into.  [default: the newest open run]")
@fetch_options
@click.pass_context
def fetch(ctx: click.Context, /, shard_text: str | None, run_id: int | None, **kwargs: Any) -> None:
    """Fetch and archive every source (WARC + index), without judging."""
    shard = _shard(shard_text) if shard_text is not None or run_id is None else (0, 1)
    claims = claims_of(ctx, writes_store=True)
    progress = _Progress("fetching", kwargs["quiet"])
    with store_of(ctx) as store, _interruption_said(kwargs["quiet"]):
        try:
            if shard is None:
                outcome = fetch_sources(claims, store, _settings(kwargs, progress))
            else:
                if run_id is None:
                    newest = store.runs.latest_open()
                    if newest is None:
                        raise RunNotOpen("no run is open for shards: open one with `claimcheck run open`")
                    run_id = int(newest["id"])
                outcome = fetch_shard(claims, store, _settings(kwargs, progress), run_id=run_id, shard=shard[0],
                                      shards=shard[1])
        finally:
            progress.close()
        name = store.name
    if outcome.network_down:
        if not kwargs["quiet"]:
            click.echo("claimcheck: the network is unreachable: every source failed to connect; nothing was "
                       "archived as a failure", err=True)
        ctx.exit(ExitCode.NETWORK_DOWN)
    if not kwargs["quiet"]:
        part = f", shard {shard[0]}/{shard[1]}" if shard is not None else ""
        click.echo(f"fetched {outcome.fetched} URLs into {name} (run {outcome.run_id}{part})", err=True)


@cli.group("run")
def run_group() -> None:
    """A check run fetched by several processes: open it, fetch its shards, judge it (`check --judge-only`)."""


@run_group.command("open")
@click.option("--wait", "lock_wait", type=click.FloatRange(0, 86400), default=0.0, show_default=True,
              help="Seconds to wait for another run's lock on the store before giving up.")
@click.pass_context
def run_open(ctx: click.Context, lock_wait: float) -> None:
    """Open a check run for shards to fetch into; print its number (alone, for scripts)."""
    claims = claims_of(ctx.find_root(), writes_store=True)
    with store_of(ctx.find_root()) as store, _interruption_said(False):
        run_id = open_run(claims, store, RunSettings(lock_wait=lock_wait))
    click.echo(str(run_id))


@run_group.command("status")
@click.argument("run_id", type=int)
@click.pass_context
def run_status(ctx: click.Context, run_id: int) -> None:
    """A run's state and each shard's: running, complete or network-down, with what it fetched."""
    with store_of(ctx.find_root(), create=False) as store:
        run = store.runs.get(run_id)
        click.echo(f"run {run_id}: {run['status']} (opened {run['started_at']})")
        for row in store.runs.shards(run_id):
            fetched = f", {row['fetched']} URLs" if row["fetched"] is not None else ""
            click.echo(f"  shard {row['shard']}/{row['shards']}: {row['status']} (started {row['started_at']}"
                       f"{', finished ' + row['finished_at'] if row['finished_at'] else ''}{fetched})")


@cli.command()
@click.option("--offline", is_flag=True, help="Check against the archive only; fetch nothing.")
@format_option
@output_option
@show_option
@fail_on_option
@click.option("--confirm-checks", type=click.IntRange(1, 1000), default=Policy.confirm_checks, show_default=True,
              help="Failing checks needed before a source is gone.")
@click.option("--confirm-days", type=click.FloatRange(0, 3650), default=Policy.confirm_days, show_default=True,
              help="Days those failing checks must span.")
@click.option("--evidence-threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True,
              help="Score (0-1) under which an evidence passage counts as missing.")
@click.option("--timegate", default=DEFAULT_TIMEGATE, show_default=True, envvar="CLAIMCHECK_TIMEGATE",
              help="Memento TimeGate (RFC 7089) asked for archived copies of gone and evidence-missing sources; "
                   "'none' to never ask.")
@click.option("--notify", "notify_urls", multiple=True, metavar="URL",
              help="Send one message per run with findings at or above --fail-on to this apprise URL "
                   "(mailto://, slack://, json://host/path, ...; repeatable). Needs the notify extra.")
@click.option("--review-url", default=None, metavar="URL", help="A link to the review app for the message.")
@click.option("--judge-only", is_flag=True,
              help="Fetch nothing: judge the open run --run, whose shards (`fetch --shard K/N`) have all finished.")
@click.option("--run", "run_id", type=int, default=None, help="With --judge-only: the run to judge.")
@fetch_options
@click.pass_context
def check(ctx: click.Context, /, offline: bool, fmt: str, output: str | None, show: str, fail_on: str,
          confirm_checks: int, confirm_days: float, evidence_threshold: float, timegate: str,
          notify_urls: tuple[str, ...], review_url: str | None, judge_only: bool, run_id: int | None,
          **kwargs: Any) -> None:
    """Fetch (unless --offline) and give every claim's sources a verdict; report it."""
    if judge_only != (run_id is not None):
        raise click.UsageError("--judge-only and --run go together: `check --judge-only --run N`")
    if judge_only and offline:
        raise click.UsageError("--judge-only judges what the run's shards fetched; --offline fetches nothing at all")
    _check_writable(output)
    if notify_urls:
        try:
            import apprise  # noqa: F401 - asked for before anything is fetched, not after an hour of checking
        except ImportError:
            raise click.UsageError("--notify needs the notify extra: pip install 'claimcheck[notify]'") from None
    claims = claims_of(ctx, writes_store=True)
    gate = None if timegate.strip().lower() in ("", "none", "off") else timegate
    if gate and (why := valid_http_url(gate)):
        raise click.BadParameter(f"{gate}: {why}", param_hint="--timegate")
    policy = Policy(evidence_threshold=evidence_threshold, confirm_checks=confirm_checks,
                    confirm_days=confirm_days)
    progress = _Progress("checking", kwargs["quiet"])
    with store_of(ctx) as store:
        try:
            with _interruption_said(kwargs["quiet"]):
                # The findings are not kept: the report reads them back from the store, a claim at a time.
                settings = _settings(kwargs, progress, policy=policy, offline=offline, timegate=gate)
                if run_id is not None:
                    outcome = judge_run(claims, store, settings, run_id=run_id, keep_findings=False)
                else:
                    outcome = check_claims(claims, store, settings, keep_findings=False)
        finally:
            progress.close()
        if outcome.network_down and not kwargs["quiet"]:
            click.echo("claimcheck: the network is unreachable: every source failed to connect. Nothing is flagged; "
                       "verdicts come from the archive.", err=True)
        _render(store, outcome.run_id, fmt, output, show)
        if notify_urls:
            _notify(store, outcome.run_id, list(notify_urls), fail_on, review_url)
    ctx.exit(exit_code_for(outcome.verdicts_seen, fail_on, outcome.network_down))


def _notify(store: Store, run_id: int, urls: list[str], fail_on: str, review_url: str | None) -> None:
    """One message for the run (none below --fail-on or with the network down); a notifier that fails is a
    warning: the run, its report and its exit code stand."""
    from claimcheck.report.notify import message, send

    note = message(build_report(store, run_id, worst_first=True), fail_on, review_url)
    if note is None:
        return
    for failure in send(urls, note):
        click.echo(f"claimcheck: warning: notification failed: {failure}", err=True)


@cli.command()
@format_option
@output_option
@show_option
@fail_on_option
@click.option("--run", "run_id", type=int, default=None, help="Which run (default: the last check).")
@click.pass_context
def report(ctx: click.Context, fmt: str, output: str | None, show: str, fail_on: str, run_id: int | None) -> None:
    """Render a past check again, from the store, without fetching."""
    _check_writable(output)
    with store_of(ctx, create=False) as store:
        last = store.runs.last_check()
        if run_id is None:
            if last is None:
                raise ClaimcheckError(f"no check has run with the store {store.name} yet: run `claimcheck check`")
            run_id = int(last["id"])
        run = store.runs.get(run_id)
        _reportable(run, last)
        _render(store, run_id, fmt, output, show)
        verdicts = present(store.findings.verdict_counts(run_id))  # counted in SQL, not read back whole
    ctx.exit(exit_code_for(verdicts, fail_on, run["network"] == "down"))


@contextmanager
def _interruption_said(quiet: bool) -> Iterator[None]:
    """A run stopped by a signal says what became of it (unless told to keep quiet: its exit code says it);
    a run that finds the store locked says how to wait for it (fetch and check have --wait)."""
    try:
        yield
    except StoreLocked as exc:
        raise StoreLocked(f"{exc} or pass --wait SECONDS") from None
    except Interrupted as stop:
        if not quiet:
            marked = (f": run {stop.run_id} is marked interrupted; what it fetched is archived, none of it indexed"
                      if stop.run_id is not None else "")
            click.echo(f"claimcheck: interrupted by {stop.name}{marked}", err=True)
        stop.reported = True
        raise


def _reportable(run: dict[str, Any], last_complete: dict[str, Any] | None) -> None:
    """Only a check that ran to its end has a report: say what became of any other run."""
    if run["command"] == "check" and run["status"] in ("complete", "network-down"):
        return
    if run["command"] != "check":
        what = f"run {run['id']} was a `claimcheck {run['command']}`, which gives no verdicts"
    elif run["status"] == "interrupted":
        by = json.loads(run["summary"] or "{}").get("interrupted_by")
        what = (f"run {run['id']} was interrupted{f' by {by}' if by else ''} before it gave its verdicts "
                f"(started {run['started_at']}); nothing of it was indexed")
    else:
        what = f"run {run['id']} has not finished (started {run['started_at']})"
    hint = f"; the last complete check is run {last_complete['id']}" if last_complete else ""
    raise ClaimcheckError(what + hint)


# The cyclic garbage collector, less often: a run allocates rows, findings and answers by the hundred thousand
# and almost none of them form cycles, yet the default thresholds collected 1,388 times in a re-check of 10,000
# sources (0.65 s, measured with gc.callbacks; 0.14 s at these thresholds, peak memory unchanged). Set by the
# console script only: a program embedding claimcheck keeps its own.
GC_THRESHOLDS = (10_000, 10, 10)


def main() -> None:
    """The console script: a stop signal ends any command with 128 + its number (130, 143, 129)."""
    gc.set_threshold(*GC_THRESHOLDS)
    with stop_on_signals():
        try:
            cli()
        except Interrupted as stop:
            if not stop.reported:
                click.echo(f"claimcheck: interrupted by {stop.name}", err=True)
            sys.exit(exit_code(stop.signum))


from claimcheck.cli import author as cli_author  # noqa: E402, F401 - registers init, coverage and locate
from claimcheck.cli import review as cli_review  # noqa: E402, F401 - registers diff, history, accept, snooze, suggest and export
from claimcheck.cli import serve as cli_serve  # noqa: E402, F401 - registers serve
from claimcheck.cli import admin as cli_admin  # noqa: E402, F401 - registers store copy
