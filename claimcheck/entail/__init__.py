"""Support (entailment, lexically): whether a passage says what a claim says, judged against the claim's own
terms, offline. `claimcheck.support(claim, passage)` is `support` here.

- `quantities`: numbers with units and scale words, number words, years and ordinals (`Quantity`)
- `content`: what a claim rests on: quantities, names, negation, hedges, qualifiers, content words
  (`content_of`, `Content`)
- `checks`: one pure check per kind of term (`run_checks`), each table-tested
- `judgement`: the label and its reasons: `support(claim, passage)` for a passage a person picks,
  `compare(claim, accepted, now)` for a passage a source edited, `touched(claim, paragraphs)` for a change,
  `rank(claim, suggestions)` for passages offered as evidence
"""

from claimcheck.entail.judgement import (
    CONTRADICTED,
    PARTIAL,
    SUPPORTED,
    UNSUPPORTED,
    Candidate,
    Label,
    Support,
    compare,
    rank,
    support,
    touched,
)

__all__ = ["CONTRADICTED", "PARTIAL", "SUPPORTED", "UNSUPPORTED", "Candidate", "Label", "Support", "compare", "rank",
           "support", "touched"]
