"""`claimcheck serve`: the local review app on the same store and claims files as every other command."""

from __future__ import annotations

from pathlib import Path

import click

from claimcheck.claims.model import ClaimsFile
from claimcheck.cli.common import claims_of, cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Loopback unless told otherwise: it is a tool for one maintainer's machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to bind.")
@click.option("--read-only", is_flag=True, help="Serve no write route at all: pages and reports only.")
@click.option("--allow-private", is_flag=True, envvar="CLAIMCHECK_ALLOW_PRIVATE",
              help="Let 'Capture again now' connect to private and loopback addresses (as fetch's option).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, read_only: bool, allow_private: bool) -> None:
    """Review claims in the browser: what needs you, claims, captures, diffs, runs; accept baselines and
    evidence passages into the same audit log as `accept`. Prints a URL with a secret token."""
    try:
        import uvicorn

        from claimcheck.web.app import ServeSettings, create_app
        from claimcheck.web.guard import new_secret
    except ImportError as exc:
        raise click.UsageError(f"`claimcheck serve` needs the web extra: pip install 'claimcheck[web]' ({exc.name} "
                         "is missing)") from None
    # Read once now (a claims file with errors is a clear error before anything is served) and handed to the
    # app for its first pages; each decision reads the files anew, as they may have been edited meanwhile.
    first = [claims_of(ctx)]

    def load() -> ClaimsFile:
        return first.pop() if first else claims_of(ctx)

    secret = new_secret()
    settings = ServeSettings(store=ctx.obj["store"], archive=Path(ctx.obj["archive"]), load_claims=load, host=host,
                             port=port, read_only=read_only, allow_private=allow_private, secret=secret)
    app = create_app(settings)  # a missing store is a clear error (exit 2) before anything is bound
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"claimcheck serve{' (read-only)' if read_only else ''}: open http://{shown}:{port}/?token={secret}",
               err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("warning: bound to a non-loopback address: anyone who can reach it and has the token can "
                   "read the store" + ("" if read_only else " and write to it"), err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
