"""Cited dates keep their precision; evidence is found through typography, elision and small edits."""

from __future__ import annotations

from datetime import date

import pytest

from claimcheck.core.dates import FuzzyDate, Precision, parse_cited_date
from claimcheck.core.text import normalize
from claimcheck.reading.match import find_evidence, suggest


@pytest.mark.parametrize("text, iso, precision", [
    ("September 6, 2023", "2023-09-06", Precision.DAY),
    ("Sept. 6, 2023", "2023-09-06", Precision.DAY),
    ("6 September 2023", "2023-09-06", Precision.DAY),
    ("2023-09-06", "2023-09-06", Precision.DAY),
    ("November 2025", "2025-11", Precision.MONTH),
    ("Dec 2024", "2024-12", Precision.MONTH),
    ("2025-04", "2025-04", Precision.MONTH),
    ("2024", "2024", Precision.YEAR),
])
def test_cited_dates_keep_precision(text: str, iso: str, precision: Precision) -> None:
    parsed = parse_cited_date(text)
    assert parsed.iso() == iso
    assert parsed.precision is precision


@pytest.mark.parametrize("text", ["soon", "last week", "next tuesday", "", "32/13/2020x"])
def test_unparseable_cited_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_cited_date(text)


@pytest.mark.parametrize("page, cited, agrees", [
    (date(2025, 11, 11), "November 2025", True),
    (date(2025, 10, 31), "November 2025", False),
    (date(2023, 9, 6), "September 6, 2023", True),
    (date(2023, 9, 7), "September 6, 2023", False),
    (date(2024, 12, 3), "December 2024", True),
    (date(2024, 3, 20), "2024", True),
    (date(2023, 12, 31), "2024", False),
])
def test_date_agreement_at_cited_precision(page: date, cited: str, agrees: bool) -> None:
    assert FuzzyDate.of(page).agrees_with(parse_cited_date(cited)) is agrees


def test_month_precision_page_date_agrees_with_day_citation() -> None:
    assert FuzzyDate(date(2024, 12, 1), Precision.MONTH).agrees_with(parse_cited_date("December 3, 2024"))


def test_iso_round_trip() -> None:
    for text in ("2023-09-06", "2025-11", "2024"):
        assert FuzzyDate.from_iso(text).iso() == text


INTEL = ("Intel has been developing packaging technologies for decades. Its innovations include EMIB (embedded "
         "multi-die interconnect bridge) and Foveros, technologies that allow multiple chips on a package to be "
         "connected side by side (EMIB) or stacked on top of one another in a 3D fashion (Foveros).")


def test_exact_after_normalising_quotes_dashes_space_and_marks() -> None:
    page = "AMD\u2019s strategy \u2014 and AMD Infinity Fabric\u2122   system\u2011wide interconnect."
    found = find_evidence("AMD's strategy - and AMD Infinity Fabric(TM) system-wide interconnect.", page)
    assert found.exact and found.score == 1.0


def test_elided_evidence_needs_every_fragment() -> None:
    page = "As Moore's Law has been progressing, traditional scaling has been slowing down. Other words. " \
           "But as we start doing advanced packaging, we can pack more."
    evidence = "traditional scaling has been slowing down ... But as we start doing advanced packaging"
    assert find_evidence(evidence, page).score == 1.0
    assert find_evidence(evidence, page.replace("advanced packaging", "nothing")).score < 0.9


def test_small_edit_scores_high_but_not_exact() -> None:
    edited = INTEL.replace("stacked on top of one another", "stacked atop one another")
    found = find_evidence(INTEL[63:], edited)
    assert not found.exact
    assert 0.85 < found.score < 1.0


def test_missing_passage_scores_low() -> None:
    found = find_evidence("Intel will ship glass substrates to every customer in 2024.", INTEL)
    assert found.score < 0.75


def test_normalize_is_idempotent() -> None:
    text = "  “Quoted” — text\u00a0with\tspace  "
    assert normalize(normalize(text)) == normalize(text) == '"quoted" - text with space'


def test_suggest_ranks_the_supporting_sentence_first() -> None:
    text = ("Synopsys today announced certified flows on A16 and N2P.\n"
            "Synopsys and TSMC are also collaborating on TSMC's 3DFabric technologies, including CoWoS and SoIC.\n"
            "About Synopsys: Synopsys delivers silicon to systems design solutions.")
    ranked = suggest("Releases describe TSMC's 3DFabric technologies as including CoWoS and SoIC.", text)
    assert "3DFabric" in ranked[0].passage
    assert 0.3 < ranked[0].score < 1.0  # "Releases describe" is not in the text
    assert all(first.score >= second.score for first, second in zip(ranked, ranked[1:], strict=False))


def test_suggest_is_part_of_the_library_api() -> None:
    import claimcheck

    ranked = claimcheck.suggest("EMIB is a silicon bridge.", "EMIB is an embedded silicon bridge, Intel says.", limit=1)
    assert len(ranked) == 1 and isinstance(ranked[0], claimcheck.Suggestion)
    assert ranked[0].passage.startswith("EMIB") and 0 < ranked[0].score <= 1


def test_suggest_never_offers_a_title_or_heading_alone() -> None:
    text = ("# Chiplet packaging with CoWoS and SoIC\n"
            "TSMC 3DFabric CoWoS SoIC\n"
            "The company said its 3DFabric family, including CoWoS and SoIC, ships in volume this year.\n")
    ranked = suggest("TSMC's 3DFabric includes CoWoS and SoIC.", text)
    assert [s.passage for s in ranked] == [
        "The company said its 3DFabric family, including CoWoS and SoIC, ships in volume this year."]


def test_suggest_prefers_rare_shared_words_over_common_ones() -> None:
    # BM25: "Intel" is on every line, so the line sharing the rare words "EMIB" and "bridge" wins.
    text = ("Intel reported revenue for the quarter and Intel guided higher.\n"
            "Intel said its foundry business grew, according to Intel.\n"
            "EMIB uses a small silicon bridge embedded in the package substrate, Intel said.\n")
    ranked = suggest("Intel's EMIB embeds a silicon bridge in the substrate.", text)
    assert ranked[0].passage.startswith("EMIB uses a small silicon bridge")
