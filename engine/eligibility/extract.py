"""Structured eligibility conditions from a notice's Korean text."""

from __future__ import annotations

from collections.abc import Sequence

from engine.domain import Eligibility, Need


def extract_eligibility(
    *,
    title: str,
    text: str,
    hashtags: Sequence[str] = (),
    organization: str | None = None,
    target: str | None = None,
    base: Eligibility | None = None,
) -> Eligibility:
    """Return the eligibility stated by a notice; conditions in `base` (from structured fields) win."""
    raise NotImplementedError


def infer_needs(
    *,
    title: str,
    text: str,
    category: str | None = None,
    support_types: Sequence[str] = (),
    hashtags: Sequence[str] = (),
) -> list[Need]:
    """Return what the program pays for, in the profile's `needs` vocabulary."""
    raise NotImplementedError
