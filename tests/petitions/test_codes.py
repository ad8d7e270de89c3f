"""Receipt codes: unguessable, easy to read aloud and type, a check character that catches a
mistyped or swapped character before the database is asked."""

import random

import pytest

from petitions.codes import ALPHABET, LENGTH, check_character, format_code, new_receipt_code, normalise_code


def test_the_alphabet_has_no_look_alikes_and_a_prime_size():
    for confusable in "01ILOSU":
        assert confusable not in ALPHABET
    assert len(set(ALPHABET)) == len(ALPHABET) == 29


def test_a_new_code_has_ten_random_characters_and_a_valid_check_character():
    codes = {new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == LENGTH == 11
        assert set(code) <= set(ALPHABET)
        assert normalise_code(code) == code


def test_typing_is_forgiving_about_case_spaces_and_hyphens():
    code = new_receipt_code(random.Random(1))
    typed = format_code(code).lower().replace("-", " - ")
    assert format_code(code).count("-") == 2
    assert normalise_code(typed) == code


@pytest.mark.parametrize("position", range(11))
def test_every_single_mistyped_character_is_caught(position):
    code = new_receipt_code(random.Random(position))
    for replacement in ALPHABET:
        if replacement != code[position]:
            wrong = code[:position] + replacement + code[position + 1 :]
            assert normalise_code(wrong) is None


def test_every_swap_of_two_different_characters_is_caught():
    rng = random.Random(3)
    for _ in range(200):
        code = new_receipt_code(rng)
        for i in range(LENGTH):
            for j in range(i + 1, LENGTH):
                if code[i] != code[j]:
                    swapped = list(code)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert normalise_code("".join(swapped)) is None


@pytest.mark.parametrize("typed", [None, "", "ABC", "A" * 12, "ĐÂY-LÀ-MÃ", "0OIL-1234-567", "\x00" * 11, "x" * 10_000])
def test_anything_that_cannot_be_a_code_is_refused_without_error(typed):
    assert normalise_code(typed) is None


def test_the_check_character_is_the_weighted_sum():
    body = "2345678ABC"
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body))
    assert check_character(body) == ALPHABET[total % 29]
