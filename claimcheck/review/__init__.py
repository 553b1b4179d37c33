"""Review: what a maintainer or editor asks of the store between runs, and the decisions they record.

- `actions`: what changed (`compare`), what happened (`history`), passages that support a claim
  (`suggestions`), and accepting a new baseline or an evidence passage (`accept`, `accept_evidence`), each
  written to the audit log
"""
