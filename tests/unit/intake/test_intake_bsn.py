import random

import pytest

from services.intake.domain.bsn import bsn_problem, fake_bsn, is_valid_bsn, mask_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990", "010000008"])
def test_valid_numbers_pass_the_elfproef(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn, reason", [
    ("123456789", "fails the elfproef"),
    ("111222334", "fails the elfproef"),
    ("000000000", "is not a valid BSN"),
    ("12345678", "must be exactly 9 digits"),
    ("1234567820", "must be exactly 9 digits"),
    ("12345678a", "must be exactly 9 digits"),
    (" 23456782", "must be exactly 9 digits"),
    ("١٢٣٤٥٦٧٨٢", "must be exactly 9 digits"),  # Arabic-Indic digits are digits to Python
    ("", "must be exactly 9 digits"),
])
def test_invalid_numbers_say_why_without_echoing(bsn, reason):
    assert bsn_problem(bsn) == reason
    assert bsn not in reason or not bsn


def test_the_last_digit_weighs_minus_one():
    # 9*1 + 8*1 + ... + 2*3 = 69; only a last digit of 3 makes 69 - d divisible by 11
    assert [d for d in range(10) if is_valid_bsn(f"11122233{d}")] == [3]


def test_masking_keeps_only_the_last_three_digits():
    assert mask_bsn("111222333") == "******333"


def test_generated_numbers_pass_the_elfproef_and_follow_the_seed():
    numbers = [fake_bsn(random.Random(seed)) for seed in range(200)]
    assert all(bsn_problem(n) is None for n in numbers)
    assert len(set(numbers)) > 190
    assert fake_bsn(random.Random(7)) == fake_bsn(random.Random(7))
