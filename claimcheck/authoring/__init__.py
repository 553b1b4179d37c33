"""Authoring: from an article to a checked claims file. Used by `init`, `coverage` and `locate` only.

- `draft`: a first claims file drafted from an article's citations (`claimcheck init`)
- `checkworthy`: whether a sentence asserts something a source could confirm
- `coverage`: every sentence, the claims covering it, and archived passages for the uncovered
- `locate`: a source's missing URL found on its publisher's site (sitemaps, feeds)
"""
