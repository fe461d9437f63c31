"""Numbers as a class writes them: one formatter (core.fmt) rounding half away from zero, counts as
integers, and formulas with their numbers substituted without −0.000 or doubled parentheses."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from core import fmt
from core.narration import narrate
from core.presets import load_preset
from core.session import Mode, Session
from core.text import fill, line_plain


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (-0.0625, 3, "−0.063"),  # half away from zero (Python's f-string gives −0.062)
        (0.0625, 3, "0.063"),
        (2.5, 0, "3"),
        (0.125, 2, "0.13"),
        (1.0005, 3, "1.001"),  # the decimal digits as written, not the binary value 1.000499…
        (-0.0004, 3, "0.000"),  # rounds to zero: no sign
        (-0.0005, 3, "−0.001"),
        (0.0, 3, "0.000"),
        (-0.0, 3, "0.000"),
        (-12345000000.0, 3, "−1.23e+10"),
        (2.125e12, 3, "2.13e+12"),
    ],
)
def test_numbers_round_half_away_from_zero(value, decimals, shown):
    assert fmt.number(value, decimals) == shown


def test_the_formatter_agrees_with_decimal_rounding_of_the_written_number():
    for k in range(-2000, 2001):
        value = k / 16 / 1000  # many exact halves at the third decimal
        expected = Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        text = f"{expected:f}".replace("-", "−")
        assert fmt.number(value, 3) == ("0.000" if expected == 0 else text)


def test_the_quick_rounding_agrees_with_decimal_rounding_of_the_written_number():
    """fmt rounds the binary value unless the repr is a tie or has an exponent: the same digits as
    rounding the repr's digits, for numbers of every size and every number of decimals."""
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            rng.normal(size=4000) * 10.0 ** rng.integers(-7, 7, size=4000),
            [round(x, d) for x, d in zip(rng.normal(size=2000), rng.integers(1, 8, size=2000), strict=True)],
            rng.integers(-10**6, 10**6, size=1000) / 2.0 ** rng.integers(1, 12, size=1000),  # exact halves
        ]
    )
    for value in values.tolist():
        for decimals in (0, 1, 2, 3, 4, 6):
            if value != 0 and abs(value) >= 10 ** (9 - decimals):
                continue  # written in scientific notation
            expected = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            zero = "0" if decimals == 0 else "0." + "0" * decimals
            assert fmt.number(value, decimals) == (zero if expected == 0 else f"{expected:f}".replace("-", "−"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1084450.0, "1,084,450"), (5000.0, "5,000"), (0.0, "0"), (0.25, "0.25"), (1 / 3, "0.3333"), (2.5, "2.5")],
)
def test_counts_are_integers_with_thousands_separators(value, shown):
    assert fmt.count(value) == shown


def test_a_calls_argument_is_not_parenthesised_twice():
    assert fill("tanh({z})", z=fmt.arg(-1.157)) == "tanh(−1.157)"
    assert fill("max(0.01·{z}, {z})", z=fmt.arg(-1.2)) == "max(0.01·(−1.200), −1.200)"
    assert fill("½({y}−{p})²", y="1.000", p=fmt.arg(-0.5)) == "½(1.000−(−0.500))²"


def test_a_minus_sign_is_applied_to_its_number():
    template = "−{y} ln {p} − (1−{y}) ln(1−{p})"
    assert fill(template, y=fmt.arg(0.0), p="0.875") == "0.000 ln 0.875 − (1−0.000) ln(1−0.875)"
    assert fill(template, y=fmt.arg(1.0), p="0.875") == "−1.000 ln 0.875 − (1−1.000) ln(1−0.875)"
    assert fill(template, y=fmt.arg(-2.0), p="0.500").startswith("2.000 ln 0.500")
    assert fill(template, y="y", p="ŷ") == "−y ln ŷ − (1−y) ln(1−ŷ)"


@pytest.mark.parametrize("key", ["net_2_4_1_tanh", "net_2_4_1_sigmoid", "mood_2_2_1", "mood_perceptron"])
def test_narration_has_no_negative_zero_and_no_double_parentheses(key):
    session = Session(load_preset(key), Mode.EXAMPLE)
    seen = 0
    for _ in range(4):
        step_pass = session.current
        for k, event in enumerate(step_pass.events):
            text = line_plain(narrate(event, k, step_pass, 3))
            assert "((−" not in text, text
            assert not re.search(r"(^|[ (=])−0\.0+(?!\d)", text), text
            seen += "tanh(−" in text or "σ(−" in text
        session.next_example()
    assert seen  # a negative argument was written, once, in its call's parentheses


def test_an_update_too_small_for_the_decimals_is_written_in_scientific_notation_rounded_the_same_way():
    assert fmt.small(1.125e-4, 3) == "1.13e−04"  # an f-string gives 1.12e-04
    assert fmt.small(-2.5e-4, 3) == "−2.50e−04"
    assert fmt.small(-0.0625, 3) == "−0.063"
    assert fmt.small(0.0, 3) == "0.000"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.00052765, "0.0005277"), (12.345, "12.35"), (1234567.0, "1.235e+06"), (2.0, "2"), (-0.00012345, "−0.0001235")],
)
def test_significant_digits_round_half_away_from_zero(value, shown):
    assert fmt.significant(value, 4) == shown  # an f-string's .4g gives 0.0005276 for the first
