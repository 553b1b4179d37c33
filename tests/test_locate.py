"""`locate` finds a source's URL on a local publisher site: robots.txt -> sitemap index -> a gzip sitemap, and
an Atom feed linked from the home page; `--write` keeps the claims file's comments and layout."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ARTICLE
from world import Site

from claimcheck.cli.main import cli
from claimcheck.net.fetch import FetchOptions
from claimcheck.authoring.locate import MAX_ENTRIES, read_list, search_site

CLAIMS = """# Our claims: comments stay where they are.
article:
  title: Advanced Semiconductor Packaging
  path: {article}

sources:
  ase-2024-vipack:
    publisher: ASE
    title: ASE's VIPack Enables Advanced Interconnect Technology for Chiplets
    # url: unknown yet
    cited_date: March 20, 2024   # as cited

claims:
  - id: ase-interconnect-chiplets
    text: >-
      ASE describes advanced interconnect technologies for chiplets as a response to complex AI integration
      demand.
    cites:
      - source: ase-2024-vipack
"""


def publisher_site(site: Site) -> None:
    origin = site.origin
    site.page("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {origin}/sitemap_index.xml\n",
              content_type="text/plain")
    site.page("/sitemap_index.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{origin}/sitemap-pages.xml</loc></sitemap>
  <sitemap><loc>{origin}/sitemap-press.xml.gz</loc></sitemap>
</sitemapindex>""", content_type="application/xml")
    site.page("/sitemap-pages.xml", f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{origin}/about/</loc><lastmod>2020-01-01</lastmod></url>
  <url><loc>{origin}/careers/</loc></url>
</urlset>""", content_type="application/xml")
    press = f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{origin}/press-room/ase-vipack-enables-advanced-interconnect-technology-for-chiplets/</loc>
       <lastmod>2024-03-20T08:00:00+08:00</lastmod></url>
  <url><loc>{origin}/press-room/ase-vipack-advanced-packaging-platform/</loc><lastmod>2022-06-02</lastmod></url>
  <url><loc>{origin}/press-room/ase-quarterly-results/</loc><lastmod>2024-03-21</lastmod></url>
</urlset>"""
    site.page("/sitemap-press.xml.gz", gzip.compress(press.encode(), mtime=0), content_type="application/gzip")
    site.page("/", """<html><head><title>ASE</title>
<link rel="alternate" type="application/atom+xml" href="/press.atom"></head><body>Home</body></html>""")
    site.page("/press.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>ASE press</title>
  <entry><title>ASE Expands Chiplet Capacity</title><link href="{origin}/press-room/capacity/"/>
         <updated>2024-03-25T00:00:00Z</updated></entry>
  <entry><title>ASE's VIPack Enables Advanced Interconnect Technology for Chiplets</title>
         <link rel="alternate"
               href="{origin}/press-room/ase-vipack-enables-advanced-interconnect-technology-for-chiplets/"/>
         <published>2024-03-20T00:00:00Z</published></entry>
</feed>""", content_type="application/atom+xml")


def invoke(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    claims = tmp_path / "claims.yaml"
    if not claims.exists():
        claims.write_text(CLAIMS.format(article=ARTICLE))
    result = CliRunner().invoke(cli, ["--claims", str(claims), "locate", *args])
    return result.exit_code, result.output, claims


def test_locate_reads_robots_sitemap_index_gzip_sitemap_and_atom_feed(tmp_path: Path, site: Site) -> None:
    publisher_site(site)
    code, out, claims = invoke(tmp_path, "ase-2024-vipack", "--site", site.url("/"), "--allow-private")
    assert code == 0, out
    lines = [line for line in out.splitlines() if re.match(r"\s*\d+\.\s", line)]
    wanted = site.url("/press-room/ase-vipack-enables-advanced-interconnect-technology-for-chiplets/")
    assert lines[0].split()[-1] == wanted  # the same page from the sitemap and the feed, listed once
    assert sum(wanted in line for line in lines) == 1
    assert "read 4 lists" in out  # index, two sitemaps, the feed
    requested = [path for path, _ in site.requests]
    assert "/robots.txt" in requested and "/sitemap-press.xml.gz" in requested and "/press.atom" in requested
    assert "url:" not in claims.read_text().split("sources:")[1].split("claims:")[0].replace("# url:", "")


def test_locate_write_keeps_comments_and_layout(tmp_path: Path, site: Site) -> None:
    publisher_site(site)
    code, out, claims = invoke(tmp_path, "ase-2024-vipack", "--site", site.url("/"), "--allow-private", "--write")
    assert code == 0, out
    text = claims.read_text()
    wanted = site.url("/press-room/ase-vipack-enables-advanced-interconnect-technology-for-chiplets/")
    before = CLAIMS.format(article=ARTICLE)
    comment = "    # url: unknown yet\n"  # ruamel.yaml keeps a comment with the key before it: the URL follows it
    assert text == before.replace(comment, comment + f"    url: {wanted}\n")
    assert CliRunner().invoke(cli, ["--claims", str(claims), "lint"]).exit_code == 0


def test_locate_refuses_loopback_without_allow_private(tmp_path: Path, site: Site) -> None:
    publisher_site(site)
    code, out, _ = invoke(tmp_path, "ase-2024-vipack", "--site", site.url("/"))
    assert code == 2 and "private or loopback" in out and "--allow-private" in out  # the reason, not "no pages"
    assert site.requests == []  # nothing was sent


def test_locate_cuts_off_a_sitemap_bomb_and_a_huge_index(site: Site) -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (80 * 1024 * 1024) + b"</urlset>")  # 80 MB of nothing, ~80 KB
    huge = "<sitemapindex>" + "".join(f"<sitemap><loc>{site.origin}/s{i}.xml</loc></sitemap>"
                                      for i in range(60_000)) + "</sitemapindex>"
    site.page("/robots.txt", f"Sitemap: {site.origin}/bomb.xml.gz\nSitemap: {site.origin}/huge.xml\n"
                             f"Sitemap: {site.origin}/coded.xml\n", content_type="text/plain")
    # The same, sent as Content-Encoding: gzip (the site gzips 55 MB of spaces on the way out).
    site.page("/coded.xml", b"<urlset>" + b" " * (55 * 1024 * 1024) + b"</urlset>", content_type="application/xml",
              gzip=True)
    site.page("/bomb.xml.gz", bomb, content_type="application/gzip")
    site.page("/huge.xml", huge, content_type="application/xml")
    site.page("/", "<html><body>no feeds</body></html>")
    search = search_site(site.url("/"), FetchOptions(allow_private=True, host_request_interval=0))
    assert sum("too large" in note for note in search.notes) == 2  # the gzip file and the gzip-coded answer
    assert any("cut off" in note for note in search.notes) and any("not read" in note for note in search.notes)
    fetched = [path for path, _ in site.requests if path.startswith("/s")]
    assert len(fetched) <= 50


def test_read_list_ignores_entities_and_stops_at_the_budget() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://example.com/&e;</loc></url><url><loc>https://example.com/b</loc></url></urlset>"""
    entries, _, _ = read_list("https://example.com/s.xml", evil, MAX_ENTRIES)
    assert all("root:" not in e.url for e in entries)
    many = b"<urlset>" + b"".join(b"<url><loc>https://example.com/%d</loc></url>" % i for i in range(100)) + \
        b"</urlset>"
    entries, _, cut = read_list("https://example.com/s.xml", many, 10)
    assert len(entries) == 10 and cut
