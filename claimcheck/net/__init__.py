"""The network: a guarded, polite HTTP client and the protocols spoken through it. Above `core` only.

- `fetch`: the fetch loop (`run_fetch`): per-host politeness, retries, every hop recorded raw for the archive
- `session`: one GET and what crossed the wire: aiohttp directly (every run), or an httpx transport (the seam
  tests fill with httpx.MockTransport)
- `records`: what a fetch is asked and brings back (`FetchOptions`, `Hop`, `FetchResult`) and content decoding
  with a bound (`decode_content`), which reading uses on archived bodies too
- `guard`: which addresses may be connected to (`GuardedResolver`): loopback and private ranges refused
  unless allowed
- `memento`: the Memento protocol (RFC 7089): TimeGate URLs and answers
"""
