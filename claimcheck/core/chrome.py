"""What marks an HTML element as a page's chrome (menus, footers, tag lists, newsletter and "more stories"
boxes) rather than its text: the rules the reading stage prunes a source page by and `init` prunes an
article by, kept in one place so both read a page alike. Pure: they look at a tag name and its attributes,
whatever parsed them (lxml for sources, BeautifulSoup for articles); and the links and sentences that are
furniture on any site (share buttons, subscription offers, "Follow us on Twitter")."""

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


# Links that are a page's furniture whatever the page: sharing it, subscribing to the site.
_SHARE = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:twitter\.com/(?:intent|share|home\?status)|x\.com/(?:intent|share)|"
    r"facebook\.com/(?:sharer|share|dialog/(?:share|feed))|linkedin\.com/(?:shareArticle|sharing|cws/share)|"
    r"pinterest\.\w+/pin/create|reddit\.com/submit|api\.whatsapp\.com/send|wa\.me/|t\.me/share|"
    r"telegram\.me/share|news\.ycombinator\.com/submitlink|tumblr\.com/(?:share|widgets/share)|"
    r"getpocket\.com/(?:save|edit)|flipboard\.com/bookmarklet|plus\.google\.com/share|vk\.com/share)",
    re.IGNORECASE)
# (Not login.* or account.*: a product may live there, as Mozilla's login.persona.org did.)
_ACCOUNT_HOST = re.compile(r"^https?://(?:subscribe|subscription|subscriptions|myaccount|newsletters?)\.",
                           re.IGNORECASE)
_ACCOUNT_PATH = re.compile(
    r"^https?://[^/?#]+(?:/[\w-]+)??/(?:subscribe|subscriptions?|newsletters?|sign-?up)(?:[/?#.]|$)", re.IGNORECASE)
# Not terms, privacy, cookie or login pages: an article about a policy cites them (bench/eval_init.py's
# held-out half: a Rust RFC citing the Foundation's privacy policy, the ACLU citing Facebook's cookie policy).


def chrome_link(url: str) -> bool:
    """Whether a link is page furniture, never a cited work: a share button, a subscription or newsletter
    sign-up. (A social profile is not by itself: articles name people by their profiles, and the gold of
    bench/eval_init.py's tune half counts those links as cited; a sentence that only invites the reader to
    follow accounts is furniture: `invitation_to_follow`.)"""
    return bool(_SHARE.match(url) or _ACCOUNT_HOST.match(url) or _ACCOUNT_PATH.match(url))


# A person's or a site's account on a social network: its profile or channel, not one post of it.
_SOCIAL_ACCOUNT = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:twitter\.com|x\.com|facebook\.com|instagram\.com|youtube\.com|linkedin\.com|"
    r"tiktok\.com|threads\.net|pinterest\.\w+|t\.me|bsky\.app|snapchat\.com|flipboard\.com)(?:[/?#]|$)",
    re.IGNORECASE)
_ONE_POST = re.compile(r"/(?:status|statuses|posts?|p|reel|reels|watch|videos?|shorts|pin|events?|photos?|"
                       r"story\.php|permalink\.php)(?:[/?#.]|$)|[?&](?:v|story_fbid)=", re.IGNORECASE)
# "Follow her on Twitter", "Subscribe to 9to5Mac on YouTube", "Like us on Facebook": an invitation, not a
# statement ("Follow-up studies ..." is not one; "Like Facebook, Google ..." compares, and names no account).
_INVITATION = re.compile(r"^\W*(?:please\s+)?(?:follow(?![-\w])|subscribe\b|like\s+us\b|join\s+us\b|"
                         r"connect\s+with\b|find\s+us\b|keep\s+up\s+with\b)", re.IGNORECASE)


def social_account(url: str) -> bool:
    """Whether a link is an account on a social network (a profile, a channel), not one of its posts."""
    return bool(_SOCIAL_ACCOUNT.match(url)) and not _ONE_POST.search(url)


def invitation_to_follow(sentence: str, urls: list[str]) -> bool:
    """Whether a sentence only invites the reader to follow accounts ("Follow her on Twitter @AmyKup or on
    Facebook."): page furniture on any site, whose links are accounts, not cited works. A sentence that
    links anything else, or states something first, is not one."""
    return bool(urls) and bool(_INVITATION.match(sentence)) and all(social_account(url) for url in urls)
