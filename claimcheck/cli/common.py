"""What every command shares: the `claimcheck` group (global options, errors turned into exit codes) and
reading the claims, opening the store, writing a report."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from claimcheck.claims.files import expand, load_claims_set
from claimcheck.claims.load import ClaimsFile
from claimcheck.core.errors import ClaimcheckError, ClaimsFileError, StoreError
from claimcheck.core.verdicts import ExitCode
from claimcheck.core.version import __version__
from claimcheck.store import Store, database_errors
from claimcheck.store.postgres import is_database_url

_GLOBAL_OPTIONS = {"--claims": "FILE", "--store": "DIR", "--archive": "DIR"}


class _Group(click.Group):
    """Turns claimcheck's own errors into one clear line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as exc:
            if exc.option_name in _GLOBAL_OPTIONS:
                # Contracts keep --claims and --store before the command: say so, rather than "no such option".
                command = exc.ctx.info_name if exc.ctx is not None and exc.ctx is not ctx else "COMMAND"
                raise click.UsageError(
                    f"{exc.option_name} is a global option: put it before the command, as in "
                    f"`claimcheck {exc.option_name} {_GLOBAL_OPTIONS[exc.option_name]} {command}`", ctx=exc.ctx,
                ) from None
            raise
        except ClaimsFileError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(ExitCode.BAD_INPUT)
        except ClaimcheckError as exc:
            click.echo(f"claimcheck: {exc}", err=True)
            ctx.exit(ExitCode.BAD_INPUT)
        except database_errors() as exc:
            click.echo(f"claimcheck: the store's database failed: {str(exc).strip().splitlines()[0]}", err=True)
            ctx.exit(ExitCode.BAD_INPUT)
        except BrokenPipeError:
            raise  # the reader of stdout went away (`| head`): click ends quietly, as Unix tools do
        except OSError as exc:  # a path the user gave that cannot be used: one line, not a traceback
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"claimcheck: {where}{exc.strerror or exc}", err=True)
            ctx.exit(ExitCode.BAD_INPUT)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="claimcheck")
@click.option("--claims", "claims_paths", default=("claims.yaml",), show_default=True, multiple=True,
              metavar="FILE|DIR|GLOB",
              help="The claims file; repeat it, or name a folder (every claims file below it) or a glob, to "
                   "check several articles in one store.")
@click.option("--store", "store_path", default=None, metavar="DIR|URL", envvar="CLAIMCHECK_STORE",
              help="The store: a folder (SQLite index and WARC files), or a postgresql:// URL (the index in "
                   "PostgreSQL, the `postgres` extra; WARC files in --archive). Also CLAIMCHECK_STORE.  "
                   "[default: cache/ beside the (first) claims file]")
@click.option("--archive", "archive_path", default=None, type=click.Path(file_okay=False), envvar="CLAIMCHECK_ARCHIVE",
              help="With a PostgreSQL store: the folder of its WARC files, shared by every machine that writes "
                   "to it. Also CLAIMCHECK_ARCHIVE.  [default: cache/ beside the (first) claims file]")
@click.pass_context
def cli(ctx: click.Context, claims_paths: tuple[str, ...], store_path: str | None, archive_path: str | None) -> None:
    """Keep an article honest about its sources: fetch, archive and check every cited claim."""
    store = store_path or str(default_store(claims_paths[0]))
    if archive_path and not is_database_url(store):
        raise click.UsageError("--archive is for a PostgreSQL store; an SQLite store keeps its WARC files in "
                               "its own folder (--store DIR)")
    ctx.obj = {"claims": claims_paths[0], "claims_all": claims_paths, "store": store,
               "archive": archive_path or str(default_store(claims_paths[0]))}


def store_folder(ctx: click.Context) -> Path:
    """The folder of the store's files: an SQLite store's own, a PostgreSQL store's archive folder."""
    store = ctx.obj["store"]
    return Path(ctx.obj["archive"] if is_database_url(store) else store)


def default_store(claims: str) -> Path:
    """`cache/` beside the claims file (inside a folder of them; beside a glob's folder), as every path in a
    claims file is relative to its folder: a command run from elsewhere finds the same store."""
    path = Path(claims)
    if path.is_dir():
        return path / "cache"
    folder = path.parent
    while any(ch in str(folder) for ch in "*?["):  # a glob: the folder it searches in
        folder = folder.parent
    return folder / "cache"


def claims_of(ctx: click.Context, *, writes_store: bool = False) -> ClaimsFile:
    """The claims, validated (with the validated-file cache of the store, where one exists); commands that
    write the store create it once the claims are valid, so that a command failing before it has anything
    to store leaves nothing behind."""
    store = store_folder(ctx)
    # A command that writes the store creates it with the claims' validated copies, so that a first check of
    # many articles reads them per file as the next checks do.
    claims = load_claims_set(expand(ctx.obj["claims_all"]), cache_dir=store if store.is_dir() or writes_store
                             else None, create_cache=writes_store)
    if writes_store:
        try:
            store.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store {store}: {exc.strerror or exc}") from None
    return claims


def store_of(ctx: click.Context, *, create: bool = True) -> Store:
    return Store(ctx.obj["store"], create=create, archive=ctx.obj["archive"])


def write_report(pieces: Iterable[str], output: str | None) -> None:
    """The report to stdout, or to a file that appears whole or not at all, a piece at a time."""
    if not output or output == "-":
        for piece in pieces:
            click.echo(piece, nl=False)
        return
    target = Path(output)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as stream:
            stream.writelines(pieces)
        os.replace(temporary, target)
    except OSError as exc:
        raise ClaimcheckError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)  # a report cut short, by a full disk or anything else
