"""The bottom layer: facts every stage shares and none owns. Nothing here imports another claimcheck package.

- `errors`: the one exception tree (`ClaimcheckError` and its kinds, each with its exit code)
- `verdicts`: the verdict vocabulary, levels and exit codes; `outcomes`: what one fetch came to (`Outcome`,
  `Classified`), as the store's SQL keeps it
- `dates`: dates with a precision (`FuzzyDate`); `urls`: facts about URLs alone (`same_resource`, ...)
- `text`: typography folded so texts compare (`prose`, `normalize`)
- `chrome`: what marks an HTML element as a page's chrome (menus, footers, "more stories" boxes), for sources
  and articles alike
- `clock` (`CLAIMCHECK_NOW`), `compression` (deflate), `signals` (SIGINT/SIGTERM/SIGHUP), `version`
"""
