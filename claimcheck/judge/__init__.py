"""The judging stage: from the store's latest captures to a verdict for every (claim, cited source) pair.

- `rules`: the verdict rules, pure functions with table tests (`judge_failure`, `judge_content`,
  `compare_texts`, `FailureStreak`)
- `stage`: the rules over the store (`judge_in_chunks`, `set_initial_baselines`); no network I/O
"""
