"""Claims, not characters: the support checks one by one (table tests), then the labels they add up to."""

from __future__ import annotations

import pytest

from claimcheck.entail import CONTRADICTED, PARTIAL, SUPPORTED, UNSUPPORTED, compare, rank, support, touched
from claimcheck.entail.checks import (
    Passage,
    check_modality,
    check_names,
    check_polarity,
    check_qualifiers,
    check_quantities,
    check_words,
)
from claimcheck.entail.content import content_of, names
from claimcheck.entail.quantities import quantities

# --- quantities -------------------------------------------------------------------------------------------

QUANTITIES = [
    ("$3.5 billion", [("$3.5 billion", 3.5e9, "$", "number")]),
    ("3,500 million dollars", [("3,500 million", 3.5e9, "", "number")]),
    ("fifty percent", [("fifty percent", 50, "%", "number")]),
    ("50%", [("50%", 50, "%", "number")]),
    ("twenty-five wins", [("twenty-five", 25, "", "number")]),
    ("2.5D and 3D packaging", [("2.5D", 2.5, "d", "number"), ("3D", 3, "d", "number")]),
    ("12 nm chips", [("12 nm", 12, "nm", "number")]),
    ("in 2012", [("2012", 2012, "", "year")]),
    ("the third album", [("third", 3, "", "ordinal")]),
    ("the 21st century", [("21st", 21, "", "ordinal")]),
    ("A16 and N2P nodes", []),  # names, not numbers
    ("one of the best-known", []),  # "one" as a pronoun
]


@pytest.mark.parametrize(("text", "expected"), QUANTITIES)
def test_quantities(text: str, expected: list[tuple[str, float, str, str]]) -> None:
    assert [(q.text, q.value, q.unit, q.kind) for q in quantities(text)] == expected


def test_equal_values_written_differently_are_the_same_quantity() -> None:
    (a,), (b,) = quantities("$3.5 billion"), quantities("3,500 million")
    assert a.same_value(b)
    (c,), (d,) = quantities("€76.25"), quantities("€76.28")
    assert not c.same_value(d)


def test_numbers_that_count_the_same_thing_are_comparable() -> None:
    (two,), (three,) = quantities("two children"), quantities("three children")
    assert two.comparable(three)
    (day,), (other_day,) = quantities("1 February"), quantities("February 3")
    assert day.comparable(other_day)
    (age,), (count,) = quantities("aged 40 years"), quantities("40 employees")
    assert not age.comparable(quantities("3 employees")[0]) and age.same_value(count)


# --- names -----------------------------------------------------------------------------------------------

NAMES = [
    ("Intel will invest in New Mexico.", ["New Mexico"]),  # a sentence's opening capital is not a name
    ("TSMC's CoWoS family is one of the best-known.", ["TSMC", "CoWoS"]),
    ("Lecque chose Monsignor Scanlan High School, not Teaneck High School.",
     ["Monsignor Scanlan High School", "Teaneck High School"]),
    ("The A16 and N2P nodes ship in 2026.", ["A16", "N2P"]),
    ("He died on May 7, 2018 in Calgary, Alberta.", ["May", "Calgary", "Alberta"]),
    ("Richard Amardi was selected.", ["Richard Amardi"]),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_names(text: str, expected: list[str]) -> None:
    assert [str(name) for name in names(text)] == expected


# --- the checks, one by one ------------------------------------------------------------------------------

CLAIM = "Intel will invest $3.5 billion in its New Mexico operations, the largest such investment."

CHECKS = [
    (check_quantities, "Intel will invest $3.5 billion in New Mexico.", ("$3.5 billion",), (), ()),
    (check_quantities, "Intel will invest $1.5 billion in New Mexico.", (), (),
     ("the claim says $3.5 billion, the passage says $1.5 billion",)),
    (check_quantities, "Intel will invest in New Mexico.", (), ("$3.5 billion",), ()),
    (check_names, "Intel will invest $3.5 billion in New Mexico.", ("New Mexico",), (), ()),
    (check_names, "Intel will invest $3.5 billion in Oregon.", (), ("New Mexico",), ()),
    (check_qualifiers, "It is the largest investment.", ("largest",), (), ()),
    (check_qualifiers, "It is an investment.", (), ("largest",), ()),
    (check_polarity, "Intel will invest $3.5 billion in New Mexico.", (), (), ()),
    (check_polarity, "Intel will not invest $3.5 billion in New Mexico.", (), (),
     ("the passage says 'not': \"Intel will not invest $3.5 billion in New Mexico.\"",)),
    (check_polarity, "Intel will invest in New Mexico; it never said when.", (), (), ()),  # "never" elsewhere
]


@pytest.mark.parametrize(("check", "passage", "found", "missing", "contradictions"), CHECKS)
def test_checks(check: object, passage: str, found: tuple[str, ...], missing: tuple[str, ...],
                contradictions: tuple[str, ...]) -> None:
    result = check(content_of(CLAIM), Passage(passage))  # type: ignore[operator]
    assert (result.found, result.missing, result.contradictions) == (found, missing, contradictions)


def test_words_are_compared_as_terms() -> None:
    result = check_words(content_of("Chips are stacked in packages."), Passage("A chip stacked on a package."))
    assert result.found == ("chip", "stacked", "package") and result.missing == ()


def test_a_hedged_passage_does_not_state_a_fact() -> None:
    assert check_modality(content_of(CLAIM), Passage("Intel may invest $3.5 billion in New Mexico.")).hedged == ("may",)
    hedged_claim = content_of("Intel may invest $3.5 billion in New Mexico.")
    assert check_modality(hedged_claim, Passage("Intel may invest $3.5 billion in New Mexico.")).hedged == ()


# --- support(claim, passage) -----------------------------------------------------------------------------

PASSAGE = "Intel will invest $3.5 billion in its New Mexico operations, the largest such investment in the state."

SUPPORT = [
    (PASSAGE, SUPPORTED),
    (PASSAGE.replace("3.5", "1.5"), CONTRADICTED),
    (PASSAGE.replace("will invest", "will not invest"), CONTRADICTED),
    (PASSAGE.replace("will invest", "may invest"), PARTIAL),
    ("The weather in Oregon was mild this spring, forecasters said.", UNSUPPORTED),
]


@pytest.mark.parametrize(("passage", "label"), SUPPORT)
def test_support(passage: str, label: object) -> None:
    judged = support(CLAIM, passage)
    assert judged.label is label, judged.summary()
    assert judged.reasons


# --- compare(claim, accepted, now): the table, and edits that must stay quiet ------------------------

ACCEPTED = "Intel will invest $3.5 billion in its New Mexico operations to equip them for advanced packaging."
EDIT_CLAIM = "Intel will invest $3.5 billion in its New Mexico operations."

MEANING = [
    (ACCEPTED.replace("3.5", "1.5"), CONTRADICTED, "the claim says $3.5 billion, the passage now says $1.5 billion"),
    (ACCEPTED.replace("will invest", "will not invest"), CONTRADICTED, "the passage now says 'not'"),
    (ACCEPTED.replace("Intel", "AMD"), UNSUPPORTED, "the passage no longer names Intel (now: 'AMD')"),
    (ACCEPTED.replace("New Mexico", "Oregon"), UNSUPPORTED, "the passage no longer names New Mexico (now: 'Oregon')"),
    (ACCEPTED.replace("will invest", "may invest"), UNSUPPORTED, "the passage now only says it 'may' be so"),
    ("Intel will invest in advanced packaging.", UNSUPPORTED, "the passage no longer states $3.5 billion"),
]


@pytest.mark.parametrize(("now", "label", "reason"), MEANING)
def test_an_edit_to_what_the_claim_rests_on_is_named(now: str, label: object, reason: str) -> None:
    judged = compare(EDIT_CLAIM, ACCEPTED, now, page=now)
    assert judged.label is label
    assert any(r.startswith(reason) for r in judged.reasons), judged.reasons


BENIGN = [
    ACCEPTED.replace("'", "\u2019").replace("  ", " "),  # typography
    ACCEPTED + "[3]",  # a reference marker
    ACCEPTED + " The company also opened a visitor centre.",  # a sentence about something else
    ACCEPTED.replace("advanced packaging", "3D packaging"),  # a word the claim does not use
    ACCEPTED.replace("to equip them for advanced packaging", "for packaging"),  # a clause without its terms
]


@pytest.mark.parametrize("now", BENIGN)
def test_an_edit_elsewhere_in_the_passage_keeps_the_claims_terms(now: str) -> None:
    judged = compare(EDIT_CLAIM, ACCEPTED, now)
    assert judged.label is SUPPORTED
    assert judged.reasons == ("the claim's terms are all still there",)


def test_a_name_replaced_where_it_was_is_noticed_though_it_stands_elsewhere() -> None:
    claim = "Intel describes EMIB and Foveros as packaging technologies that allow chips to be stacked in 3D."
    accepted = ("Its innovations include EMIB (embedded multi-die interconnect bridge) and Foveros, technologies "
                "that allow multiple chips on a package to be connected side by side (EMIB) or stacked on top "
                "of one another in a 3D fashion (Foveros).")
    judged = compare(claim, accepted, accepted.replace("include EMIB", "include glass substrates"),
                     page="Its innovations include Glass Substrates (embedded ...")
    assert judged.label is UNSUPPORTED
    assert judged.reasons[0] == "the passage no longer names EMIB where it did (now: 'Glass Substrates')"


def test_one_word_reworded_is_partial() -> None:
    judged = compare("Chips are stacked to allow dense packages.", "Chips are stacked to allow dense packages.",
                     "Chips are stacked to permit dense packages.")
    assert judged.label is PARTIAL and judged.holds


# --- touched and rank ------------------------------------------------------------------------------------

def test_touched_names_the_claims_terms_in_changed_paragraphs() -> None:
    claim = "Intel describes EMIB and Foveros as packaging technologies."
    assert touched(claim, ["EMIB is now called something else.", "Contact us"]) == ("EMIB",)
    assert touched(claim, ["Cookie settings", "Subscribe to our newsletter"]) == ()


def test_rank_puts_passages_with_the_claims_terms_first() -> None:
    from claimcheck.reading.match import Suggestion

    ranked = rank(CLAIM, [Suggestion("Intel invests in packaging.", 0.6),
                          Suggestion(PASSAGE, 0.55)])
    assert ranked[0].passage == PASSAGE and ranked[0].support.label is SUPPORTED
