"""Receipt codes (mã tra cứu): what a petitioner is handed to follow their petition.

A code is ``RANDOM_LENGTH`` characters drawn with ``secrets`` from an alphabet without
look-alikes (no 0/O, 1/I/L, 5/S, U/V pairs), then one check character. The alphabet has 29
characters, a prime, and the check character is the position-weighted sum modulo 29, so any
single mistyped character and any swap of two characters is caught before the database is
asked. 29^10 ≈ 4·10^14 codes: with ten million petitions, a random guess hits one with a
probability of about 2·10^-8, and the public lookup limits guesses per address.

Codes are stored without separators (``receipt_code``) and shown in groups of four
(``format_code``); what a person types is normalised (``normalise_code``): case, spaces,
hyphens and dots do not matter.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
RANDOM_LENGTH = 10
LENGTH = RANDOM_LENGTH + 1
# The first characters select the candidates in the database (not secret: they only narrow the
# search); the whole code is then compared in constant time (``petitions.selectors``).
LOOKUP_PREFIX = 4
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_SEPARATORS = str.maketrans("", "", " -._/\t")


def check_character(body: str) -> str:
    """The check character of the ``RANDOM_LENGTH`` characters ``body``."""
    total = sum((position + 1) * _VALUE[c] for position, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_receipt_code(rng=None) -> str:
    """A fresh code. ``rng`` (a ``random.Random``) only for reproducible test and benchmark data;
    the product always uses ``secrets``."""
    choice = rng.choice if rng is not None else secrets.choice
    body = "".join(choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def normalise_code(text: str | None) -> str | None:
    """The stored form of a typed code, or ``None`` if it cannot be a code (wrong length, a
    character outside the alphabet, or a wrong check character)."""
    if not text:
        return None
    code = str(text)[:64].translate(_SEPARATORS).upper()
    if len(code) != LENGTH or any(c not in _VALUE for c in code):
        return None
    if check_character(code[:RANDOM_LENGTH]) != code[-1]:
        return None
    return code


def format_code(code: str) -> str:
    """``ABCDEFGHJKM`` → ``ABCD-EFGH-JKM``: easy to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4)) if code else ""
