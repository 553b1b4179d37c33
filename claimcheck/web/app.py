"""The review app: routes, templates and what every page is given. `create_app` builds it for a store and the
claims files `claimcheck --claims` names; `claimcheck serve` runs it with uvicorn on the loopback address.

Handlers are `async` and do their (short) SQLite reads inline: one connection, one thread, as the store is
used everywhere else. It is a tool for one maintainer on their own machine, not a multi-user server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from claimcheck.claims.model import ClaimsFile
from claimcheck.core.verdicts import LEVELS, Verdict
from claimcheck.store import Store
from claimcheck.web.guard import Guard, csrf_token


@dataclass
class ServeSettings:
    store: str | Path  # a folder (SQLite) or a postgresql:// URL
    load_claims: Callable[[], ClaimsFile]  # read anew for each decision: the file may have been edited
    archive: Path | None = None  # a PostgreSQL store's WARC folder
    host: str = "127.0.0.1"
    port: int = 8000
    read_only: bool = False
    allow_private: bool = False  # a capture made from the app may connect to private addresses
    secret: str = ""
    page_size: int = 50
    extra_hosts: frozenset[str] = field(default_factory=frozenset)

    def open_store(self) -> Store:
        return Store(self.store, create=False, archive=self.archive)

    @property
    def hosts(self) -> frozenset[str]:
        """The Host headers answered: the bound name and, on loopback, its usual spellings."""
        names = {self.host}
        if self.host in ("127.0.0.1", "localhost", "::1"):
            names |= {"127.0.0.1", "localhost", "[::1]"}
        # Browsers leave the port out of Host where it is the scheme's own (80).
        spelled = {f"{name}:{self.port}".lower() for name in names} | ({n.lower() for n in names} if self.port == 80
                                                                         else set())
        return frozenset(spelled | self.extra_hosts)

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.hosts)


class App:
    """What the handlers share: the settings, the store, the claims, the templates."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        settings.open_store().close()  # no store is a clear error now, not at the first page
        self._store: Store | None = None
        self.claims = settings.load_claims()
        self.templates = Environment(loader=PackageLoader("claimcheck.web", "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True))
        self.templates.globals.update(levels={v.value: LEVELS[v].value for v in Verdict},
                                      read_only=settings.read_only, csrf=csrf_token(settings.secret))
        self.templates.filters["q"] = lambda value: quote(str(value), safe="")

    @property
    def store(self) -> Store:
        """Opened on first use, in the thread that serves (an SQLite connection stays in its thread)."""
        if self._store is None:
            self._store = self.settings.open_store()
        return self._store

    def page(self, template: str, request: Request, status: int = 200, **values: object) -> HTMLResponse:
        body = self.templates.get_template(template).render(request=request, **values)
        return HTMLResponse(body, status_code=status)


def create_app(settings: ServeSettings) -> Guard:
    from claimcheck.web import decisions, pages

    app = App(settings)
    routes = [
        Route("/", pages.needs(app)),
        Route("/claim", pages.claim(app)),
        Route("/source", pages.source(app)),
        Route("/captures/{capture_id:int}/archived", pages.archived(app)),
        Route("/runs", pages.runs(app)),
        Route("/favicon.ico", pages.no_icon),
        Route("/runs/{run_id:int}/report.{fmt}", pages.report(app)),
    ]
    if not settings.read_only:
        # --read-only serves no write route at all: there is nothing to guard.
        routes += [
            Route("/decisions/baseline", decisions.baseline(app), methods=["POST"]),
            Route("/decisions/evidence", decisions.evidence(app), methods=["POST"]),
            Route("/decisions/snooze", decisions.snoozed(app), methods=["POST"]),
            Route("/decisions/recapture", decisions.recapture(app), methods=["POST"]),
        ]
    starlette = Starlette(routes=routes)
    starlette.state.app = app
    return Guard(starlette, secret=settings.secret, hosts=settings.hosts)
