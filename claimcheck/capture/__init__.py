"""The capture stage: fetch every cited source, archive each answer as WARC, classify what it came to.

- `stage`: the stage itself (`capture_sources`): fetch, archive, index, hand new payloads to reading
- `classify`: what one fetch says about a source (`classify`), a pure rule
- `soft404`: what a site answers for a URL that cannot exist, to recognise soft-404s
- `mementos`: after judging, archived copies (Memento) for what is gone (`suggest_mementos`)
"""
