"""The reading stage: from an archived payload to what it says, and where a claim's passage is in it.

- `stage`: extraction workers over archived payloads (`ensure_extraction`), results cached in the store
- `latest`: the text a source was last read with (`latest_good_capture`, `main_text_of`), a 304's too
- `payload`: kind sniffing and decoding (`Extracted`); `kinds`: which reader reads each kind (`extract_page`);
  `html`: main text, full text, title, canonical URL; `pdf`
- `pagedates`: a page's own dates (the cascade, htmldate's second opinion), with `datetext` (dates as
  written) and `datemarkup` (JSON-LD, meta, <time>)
- `match`: an evidence passage found exactly or fuzzily (`find_evidence`) and passages ranked for a claim
  (`Passages`, `suggest`); `evidence`: where a passage is in a payload, as the store caches it
- `textdiff`: the one line and word diff every view of a change uses
"""
