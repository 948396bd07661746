"""Korean eligibility extraction: application windows, dates and structured conditions from text.

Rule-based and deterministic; every function accepts arbitrary text and never raises on it.
"""

from engine.eligibility.dates import parse_date, parse_window
from engine.eligibility.extract import extract_eligibility, infer_needs

__all__ = ["extract_eligibility", "infer_needs", "parse_date", "parse_window"]
