"""store copy: the index moved between SQLite and PostgreSQL; run open and fetch shards live in main.py."""

from __future__ import annotations

import sys

import click

from claimcheck.cli.common import cli
from claimcheck.core.errors import NotFound
from claimcheck.review.actions import current_user


@cli.group("store")
def store_group() -> None:
    """The store itself: copy it into another database."""


@store_group.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option("--source-archive", type=click.Path(file_okay=False),
              help="SRC's WARC folder, where SRC is a PostgreSQL store.  [default: cache/]")
@click.option("--archive", type=click.Path(file_okay=False),
              help="DST's WARC folder, where DST is a PostgreSQL store; SRC's folder keeps them where they are "
                   "(nothing to copy).  [default: SRC's WARC folder's store]")
@click.option("--quiet", "-q", is_flag=True, help="Say nothing but errors.")
def store_copy(source: str, destination: str, source_archive: str | None, archive: str | None,
               quiet: bool) -> None:
    """Copy the store SRC (a folder, or a postgresql:// URL) into DST, a new or empty store: every run,
    capture, finding, baseline, acceptance and audit row, ids kept, in one transaction; WARC files copied
    unless DST's archive folder is SRC's. SRC is only read."""
    from claimcheck.store import Store
    from claimcheck.store.transfer import copy_store

    source_store = Store(source, create=False, archive=source_archive)
    try:
        if not source_store.tables.scalar("select count(*) from runs"):
            raise NotFound(f"the store {source_store.name} holds nothing to copy")
        # By default a PostgreSQL DST keeps SRC's WARC files where they are: the index moves, the archive stays.
        dst_archive = archive if archive is not None else source_store.paths.root
        with Store(destination, archive=dst_archive) as target:
            with target.locked():
                announce = None if quiet or not sys.stderr.isatty() else \
                    (lambda table, count: click.echo(f"  {table}: {count:,} rows", err=True))
                outcome = copy_store(source_store, target, by=current_user(),
                                     progress=announce)
    finally:
        source_store.close()
    if not quiet:
        click.echo(f"copied {sum(outcome.rows.values()):,} rows ({outcome.rows.get('captures', 0):,} captures, "
                   f"{outcome.rows.get('findings', 0):,} findings, {outcome.rows.get('audit', 0):,} audit rows) "
                   f"and {outcome.warc_files} WARC files into {target.name}")
