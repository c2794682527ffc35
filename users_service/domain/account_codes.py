"""One-time account codes: what they are for, how they look, and how they are kept (hashed, never in clear).

A code is 10 characters of an unambiguous alphabet (about 50 bits), shown as XXXXX-XXXXX; input is read case-
and dash-insensitively. Only its SHA-256 is stored: with that much entropy, a single expiring use and a lockout
on guessing, a slow hash would add nothing but load.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 10


class CodePurpose(StrEnum):
    CLAIM = "CLAIM"  # an imported member sets their first password
    RESET = "RESET"  # a member who forgot their password sets a new one


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in "- ")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def attempts_key(handle: str) -> str:
    """The key code guesses are counted under: apart from sign-in failures, so one never locks out the other."""
    return f"code:{handle.lower()}"
