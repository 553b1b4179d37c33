"""What marks an HTML element as a page's chrome (menus, footers, tag lists, newsletter and "more stories"
boxes) rather than its text: the rules the reading stage prunes a source page by and `init` prunes an
article by, kept in one place so both read a page alike. Pure: they look at a tag name and its attributes,
whatever parsed them (lxml for sources, BeautifulSoup for articles)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

CHROME_TAGS = frozenset({"nav", "aside", "footer"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog", "alert"})
_CHROME_TOKENS = re.compile(
    r"^(?:cookie|cookies|consent|gdpr|banner|related|trending|popular|share|sharing|social|breadcrumbs?|"
    r"nav|navbar|navigation|menu|megamenu|newsletter|subscribe|subscription|promo|advert|advertisement|ads?|"
    r"sponsored|sidebar|popup|modal|footer|comments?|disqus|skip|toolbar|pagination|pager|tags|"
    r"recommended|more-stories|read-more|signup|outbrain|taboola|masthead|site-header|global-header|"
    r"onetrust|osano|truste|sr-only|visually-hidden|print-only|hidden)$", re.IGNORECASE)
_BOX_TOKENS = re.compile(
    r"^(?:related|trending|popular|recommended|more-stories|read-more|newsletter|subscribe|cookies?|consent|"
    r"promo|advert|advertisement|ads?|sponsored|outbrain|taboola|comments?|disqus)$", re.IGNORECASE)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_TOKEN_SPLIT = re.compile(r"[\s_]+|(?<=[a-z])-(?=[a-z])")


@functools.lru_cache(maxsize=4096)
def label_tokens(label: str) -> tuple[str, ...]:
    """The words of a class/id/role label ("more-stories__list" keeps "more-stories"; "site_footer" gives
    "site", "footer"). Cached: a page repeats a few labels on many elements."""
    return tuple(token for token in _TOKEN_SPLIT.split(label.lower()) if token)


@functools.lru_cache(maxsize=4096)
def chrome_label(label: str) -> bool:
    """Whether a class/id/role label names chrome."""
    return any(_CHROME_TOKENS.match(token) for token in label_tokens(label))


@functools.lru_cache(maxsize=4096)
def names_a_box(label: str) -> bool:
    """Whether a class/id names a box that an extractor may keep inside an article: related and trending
    stories, promotions, cookie notices, comments (not page furniture such as headers)."""
    return any(_BOX_TOKENS.match(token) for token in label_tokens(label))


def is_chrome(tag: str, get: Callable[[str], str | None], has_attributes: bool, *,
              inside_article: Callable[[], bool]) -> bool:
    """Whether an element is chrome: `get` reads one of its attributes; `inside_article` says (when asked,
    it costs a walk up the tree) whether it sits in an <article> or <main>, where a <header> is the
    article's own."""
    if tag in ("html", "body"):
        return False  # a page's classes ("feature-footer-v2" on Wikipedia's <body>) describe the whole page
    if tag in CHROME_TAGS:
        return True
    if tag == "header" and not inside_article():
        return True
    if not has_attributes:  # every test below reads an attribute, and most elements have none
        return False
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    if _DISPLAY_NONE.search(get("style") or ""):
        return True
    role = (get("role") or "").lower()
    if role in CHROME_ROLES:
        return True
    return chrome_label(f"{get('class') or ''} {get('id') or ''} {role}")
