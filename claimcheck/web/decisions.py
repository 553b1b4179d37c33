"""What a maintainer decides in the browser, written as the command line writes it: `review.actions.accept`
(a capture as a source's baseline), `accept_evidence` (a passage as a claim's evidence, refused unless it
is in the latest capture and supports the claim, or forced) and `snooze` (a source's findings wait until its
page reads otherwise; `claimcheck history` lists it), under the store's lock, and a source re-checked now
(`recapture`: a fetch run of that source, then a check of every claim from the archive), with a note and the
reviewer's name in the same audit rows `claimcheck history` shows. A run holding the lock makes the page
say so and nothing is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from urllib.parse import quote

import anyio.to_thread
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from claimcheck.claims.model import ClaimsFile
from claimcheck.core.errors import ClaimcheckError, Refused, StoreLocked
from claimcheck.net.records import FetchOptions
from claimcheck.pipeline import check_claims, fetch_sources
from claimcheck.review.actions import accept, accept_evidence, snooze
from claimcheck.settings import RunSettings
from claimcheck.web.app import App
from claimcheck.web.guard import check_write

Handler = Callable[[Request], Awaitable[Response]]
_MAX_FIELD = 20_000  # a note or a passage longer than this is not typed by a person


async def _form(app: App, request: Request, *, decision: bool = True) -> tuple[FormData | None, Response | None]:
    form = await request.form(max_files=0, max_fields=20, max_part_size=_MAX_FIELD)
    why = check_write(request, _text(form, "csrf"), app.settings.secret, app.settings.origins)
    if why:
        return None, app.page("message.html", request, 403, title="Refused", message=why)
    if decision and (not _text(form, "note") or not _text(form, "by")):
        return None, app.page("message.html", request, 400, title="Refused",
                              message="a decision needs a note and the reviewer's name")
    return form, None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[:_MAX_FIELD] if isinstance(value, str) else ""


def _refused(app: App, request: Request, exc: ClaimcheckError) -> Response:
    status = 409 if isinstance(exc, StoreLocked) else 400
    title = "A run is writing to the store" if isinstance(exc, StoreLocked) else "Refused"
    return app.page("message.html", request, status, title=title, message=f"{exc} (nothing was written)")


Decide = Callable[[App, FormData], str]  # writes the decision (under the lock); returns where to go next


def _decision(app: App, decide: Decide) -> Handler:
    """A POST handler: the form checked (tokens, a note and a name), the claims read anew, the decision
    written under the store's lock, then a redirect to the page that shows it; refused with the reason."""
    async def handler(request: Request) -> Response:
        form, refused = await _form(app, request)
        if form is None:
            assert refused is not None
            return refused
        try:
            app.claims = app.settings.load_claims()
            with app.store.write_errors(), app.store.locked():
                location = decide(app, form)
        except ClaimcheckError as exc:
            return _refused(app, request, exc)
        return RedirectResponse(location, status_code=303)
    return handler


def _capture_id(form: FormData) -> int | None:
    capture = _text(form, "capture")
    return int(capture) if capture.isdigit() else None


def _accept_baseline(app: App, form: FormData) -> str:
    done = accept(app.store, app.claims, _text(form, "source"), _text(form, "note"), by=_text(form, "by"),
                  capture_id=_capture_id(form))
    source = app.claims.sources.get(done[0].source_id) if done else None
    return f"/source?key={quote(source.key, safe='')}&accepted={done[0].capture_id}" if source else "/"


def _accept_evidence(app: App, form: FormData) -> str:
    claim_id = _text(form, "claim")
    accept_evidence(app.store, app.claims, claim_id, _text(form, "source"), _text(form, "text"), _text(form, "note"),
                    by=_text(form, "by"), force=_text(form, "force") == "yes")
    return f"/claim?id={quote(claim_id, safe='')}&accepted=1"


def _snooze(app: App, form: FormData) -> str:
    done = snooze(app.store, app.claims, _text(form, "source"), _text(form, "note"), by=_text(form, "by"),
                  capture_id=_capture_id(form))
    return f"/source?key={quote(done['source_key'], safe='')}&snoozed=1"


def baseline(app: App) -> Handler:
    return _decision(app, _accept_baseline)


def evidence(app: App) -> Handler:
    return _decision(app, _accept_evidence)


def snoozed(app: App) -> Handler:
    return _decision(app, _snooze)


def recapture(app: App) -> Handler:
    """Re-check one source now: capture it again through the same guarded, polite fetcher as `claimcheck
    fetch` (a fetch run of that source), then judge every claim from the archive as `check --offline` does
    (a check run: the latest verdicts, this source's from its new capture, the rest as they stand)."""
    async def handler(request: Request) -> Response:
        form, refused = await _form(app, request, decision=False)
        if form is None:
            assert refused is not None
            return refused
        try:
            app.claims = app.settings.load_claims()
            source = app.claims.source_named(_text(form, "source"))
            if not source.url:
                raise Refused(f"{source.id} has no URL to capture")
            cites = tuple(c for c in app.claims.claims if any(cite.source == source.id for cite in c.cites))
            one = replace(app.claims, sources={source.id: source}, claims=cites)
            # In a worker thread with a connection of its own: the fetch runs its own event loop, and the
            # app's pages keep answering meanwhile.
            await anyio.to_thread.run_sync(_fetch, app, one)
        except ClaimcheckError as exc:
            return _refused(app, request, exc)
        return RedirectResponse(f"/source?key={quote(source.key, safe='')}&captured=1", status_code=303)
    return handler


def _fetch(app: App, one: ClaimsFile) -> None:
    settings = RunSettings(fetch=FetchOptions(allow_private=app.settings.allow_private), timegate=None)
    with app.settings.open_store() as store:
        fetch_sources(one, store, settings)
        check_claims(app.claims, store, replace(settings, offline=True), keep_findings=False)
