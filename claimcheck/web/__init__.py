"""The local review app (`claimcheck serve`): the store and claims files every command uses, in a browser.

- `app`: `create_app` (Starlette routes, Jinja2 templates) and `ServeSettings`
- `guard`: what keeps it safe: the secret token, CSRF tokens, the Host check, security headers
- `pages`: what a maintainer reads: what needs them, a claim, a source's captures and diffs, runs
- `decisions`: what they decide (accept a capture as the baseline, accept an evidence passage), written
  through `review.actions` to the same audit rows as the command line
- `archived`: an archived capture as it was, without scripts or active content, for a sandboxed frame
"""
