"""`claimcheck init`: a first claims file drafted from an article.

Sources come from the works the article cites (its Sources/References list, footnotes, reference links and
inline links). A sentence becomes a claim when it carries a citation marker or link; where the article lists
its sources but marks no sentence (ours), a sentence cites the sources whose publisher it names (among
several works of one publisher, the one whose title it echoes), and a sentence that goes on about the same
subject ("Its ...", "They ...") cites what the sentence before it cited. Deterministic: the same article
gives the same file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from claimcheck.claims.article import ParsedArticle, Reference, Sentence
from claimcheck.claims.article_readers import read_article
from claimcheck.claims.sourcekinds import why_invalid
from claimcheck.core.chrome import invitation_to_follow
from claimcheck.core.dates import parse_cited_date
from claimcheck.reading.match import terms

_GENERIC_PUBLISHER_WORDS = frozenset(
    "newsroom news press room pressroom blog blogs inc inc. corp corp. corporation co co. ltd ltd. llc plc group "
    "the and of company media center centre".split())
# Words a sentence opens with when it goes on about the subject of the sentence before.
_CONTINUES = re.compile(r"^(Its|It|Their|They|The company|The firm|The release|The paper|The report|"
                        r"The white paper|This release|These releases)\b")
# A sentence speaking of a publisher's works in the plural cites all of them, whatever titles it echoes.
_PLURAL_WORKS = re.compile(r"\b(releases|announcements|reports|papers|documents|publications|materials|posts|"
                           r"statements|sources)\b", re.IGNORECASE)
_SLUG_STOP = frozenset("a an the and or of to in on for with by at from as is are was were be its it this that "
                       "these those can may not one into".split())


@dataclass(frozen=True)
class DraftSource:
    id: str
    publisher: str
    title: str
    url: str | None
    cited_date: str | None


@dataclass(frozen=True)
class DraftClaim:
    id: str
    text: str
    section: str | None
    cites: tuple[str, ...]


def _slug_words(text: str) -> list[str]:
    text = re.sub(r"['\u2019]s\b", "", text.lower())
    return [w for w in re.findall(r"[a-z0-9]+", text) if w not in _SLUG_STOP]


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def publisher_names(publisher: str) -> list[str]:
    """The names a sentence would use for a publisher: "Synopsys and TSMC" -> Synopsys, TSMC; "Intel
    Newsroom" -> Intel."""
    names = []
    for part in re.split(r"\s+(?:and|&)\s+|\s*[/,;]\s*", publisher):
        words = [w for w in part.split() if w.lower() not in _GENERIC_PUBLISHER_WORDS]
        if words:
            names.append(" ".join(words))
    return names


def _names(sentence: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?:'s|\u2019s)?(?![\w-])", sentence) is not None


def _publisher_of(ref: Reference) -> str:
    if ref.publisher:
        return ref.publisher
    host = urlsplit(ref.url or "").hostname or "unknown"
    return host.removeprefix("www.")


def draft_sources(article: ParsedArticle) -> dict[str, DraftSource]:
    """reference key -> its source, ids derived from publisher, year and title."""
    taken: set[str] = set()
    sources: dict[str, DraftSource] = {}
    by_url: dict[str, list[str]] = {}
    for key, ref in article.references.items():
        if ref.url:
            by_url.setdefault(ref.url, []).append(key)
    for key, ref in article.references.items():
        if ref.url and why_invalid(ref.url):
            if key == ref.url:
                continue  # a link within the site ("/topics/ai") or to mail: navigation, not a citation
            ref = replace(ref, url=None)  # a listed work whose link cannot be checked: kept, without it
        if ref.url and len(by_url[ref.url]) > 1:
            # One work linked from the text and listed among the references: the fullest entry names it.
            fullest = max(by_url[ref.url], key=lambda k: _fullness(article.references[k]))
            if fullest != key:
                continue
        publisher = _publisher_of(ref)
        title = ref.title or (ref.url or key)
        year = ""
        if ref.cited_date:
            year = f"{parse_cited_date(ref.cited_date).value.year}"
        names = [w for name in publisher_names(publisher) for w in _slug_words(name)][:2] or ["source"]
        subject = [w for w in _slug_words(title) if w not in names][:3]
        base = "-".join([*names, *([year] if year else []), *subject])[:60].strip("-")
        sources[key] = DraftSource(_unique(base, taken), publisher, title, ref.url, ref.cited_date)
    for keys in by_url.values():
        kept = next((k for k in keys if k in sources), None)
        if kept is None:
            continue
        for key in keys:
            sources.setdefault(key, sources[kept])
    return sources


def _fullness(ref: Reference) -> tuple[int, int]:
    return (bool(ref.publisher) + bool(ref.cited_date) + bool(ref.title), len(ref.title or ""))


def _title_echo(sentence: str, source: DraftSource) -> int:
    """How many words of the source's title (beyond its publisher's names) the sentence uses."""
    own = {w for name in publisher_names(source.publisher) for w in terms(name)}
    return len((set(terms(source.title)) - own) & set(terms(sentence)))


def _named_sources(sentence: str, sources: list[DraftSource]) -> list[DraftSource]:
    named = [s for s in sources if any(_names(sentence, name) for name in publisher_names(s.publisher))]
    if len(named) < 2 or _PLURAL_WORKS.search(sentence):
        return named
    by_publisher: dict[str, list[DraftSource]] = {}
    for source in named:
        by_publisher.setdefault(source.publisher, []).append(source)
    chosen: list[DraftSource] = []
    for works in by_publisher.values():
        echoes = [_title_echo(sentence, s) for s in works]
        best = max(echoes)
        # One work echoed more than the others is the one meant; no echo (or a tie) leaves them all.
        if best > 0 and echoes.count(best) == 1:
            chosen.append(works[echoes.index(best)])
        else:
            chosen.extend(works)
    return [s for s in named if s in chosen]


def _claim_id(text: str, taken: set[str]) -> str:
    words = _slug_words(re.sub(r"\[[\d,\s\u2013-]+\]", " ", text))  # "[2]" is a marker, not a word
    return _unique("-".join(words[:5]) or "claim", taken)


def draft_claims(article: ParsedArticle, sources: dict[str, DraftSource]) -> list[DraftClaim]:
    sentences = [s for s in article.sentences() if s.kind == "sentence"]
    marked = any(s.cites for s in sentences)
    listed = list(dict.fromkeys(sources.values()))
    taken: set[str] = set()
    claims: list[DraftClaim] = []
    previous: tuple[Sentence, tuple[str, ...]] | None = None
    for sentence in sentences:
        if marked:
            cited = [sources[key] for key in sentence.cites if key in sources]
            if invitation_to_follow(sentence.text, [source.url for source in cited if source.url]):
                previous = (sentence, ())
                continue  # "Follow her on Twitter": the page's furniture, not a claim, and its links no works
            cites = tuple(dict.fromkeys(source.id for source in cited))
        else:
            cites = tuple(s.id for s in _named_sources(sentence.text, listed))
            if not cites and previous and previous[0].paragraph == sentence.paragraph \
                    and _CONTINUES.match(sentence.text):
                cites = previous[1]
        previous = (sentence, cites)
        if cites:
            claims.append(DraftClaim(_claim_id(sentence.text, taken), sentence.text, sentence.section, cites))
    return claims


class _Dumper(yaml.SafeDumper):
    pass


def _text_style(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_style)


def render_claims_file(article: ParsedArticle, relative_path: str) -> tuple[str, int, int]:
    """The claims file's YAML, and how many sources and claims it has."""
    sources = draft_sources(article)
    claims = draft_claims(article, sources)
    # A source is kept when a claim cites it or the article lists it: a link no claim cites is navigation.
    wanted = {source for claim in claims for source in claim.cites}
    wanted |= {sources[key].id for key, ref in article.references.items() if ref.listed and key in sources}
    listed = {s.id: {k: v for k, v in (("publisher", s.publisher), ("title", s.title), ("url", s.url),
                                       ("cited_date", s.cited_date)) if v}
              for s in dict.fromkeys(sources.values()) if s.id in wanted}
    document = {
        "article": {"title": article.title, "path": relative_path},
        "sources": listed,
        "claims": [{"id": c.id, **({"section": c.section} if c.section else {}), "text": c.text,
                    "cites": [{"source": source} for source in c.cites]} for c in claims],
    }
    header = (f"# Drafted by `claimcheck init` from {relative_path}: {len(listed)} sources, {len(claims)} "
              "claims.\n# Review each claim, add evidence passages (`claimcheck suggest`), then "
              "`claimcheck lint`.\n")
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return header + body, len(listed), len(claims)


def draft(article_path: str | Path, output: str | Path) -> tuple[str, int, int]:
    """The claims file drafted from an article, its article path written relative to the output's folder;
    returns (YAML, sources, claims)."""
    article = read_article(article_path)
    relative = os.path.relpath(Path(article_path).resolve(), Path(output).resolve().parent)
    return render_claims_file(article, Path(relative).as_posix())
