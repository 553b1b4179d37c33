"""What an article claims and cites: the claims file, the article it is about, and several files as one.

- `load`: load and validate a claims file (`load_claims`, `ClaimsFile`, `Claim`, `Cite`, `Source`)
- `model`: the frozen records; `yaml_reader`: YAML read so every problem names its line; `cache`: a validated
  file kept in the store
- `files`: several claims files checked as one (`--claims FILE|DIR|GLOB`, `LABEL:ID` ids)
- `article`, `article_readers`: an article as blocks, sentences and cited works (Markdown, HTML, text)
- `sourcekinds`: which URLs a source of each kind takes, and the request that fetches it
"""
