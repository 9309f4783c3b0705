"""Caller numbers never reach the warehouse in clear.

Each number becomes `caller_key` (HMAC-SHA256 of its digits with CALLER_KEY_SECRET, to recognise
repeat callers) and `caller_number_masked` (138****5678, to show a person). Anonymous numbers get
no key. Free text (survey comments) has phone-like digit runs masked the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

ANONYMOUS = {
    "anonymous", "anon", "private", "unknown", "restricted", "withheld", "unavailable",
    "匿名", "未知", "隐藏号码", "无主叫号码",
}  # fmt: skip
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?\d[\d\- ]{5,}\d)(?!\d)")


def digits_of(number: str | None) -> str | None:
    """Digits of a calling number, or None when the caller is anonymous."""
    if number is None:
        return None
    text = number.strip()
    if not text or text.lower() in ANONYMOUS:
        return None
    digits = re.sub(r"\D", "", text)
    # +86 / 0086 in front of an 11-digit mobile is the same caller as without it.
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits or None


def mask_digits(digits: str) -> str:
    """138****5678 for an 11-digit mobile; shorter numbers keep only their last two digits."""
    n = len(digits)
    if n >= 8:
        return digits[:3] + "*" * (n - 7) + digits[-4:]
    if n > 2:
        return "*" * (n - 2) + digits[-2:]
    return "*" * n


def caller_key(digits: str, secret: bytes) -> str:
    return hmac.new(secret, digits.encode("ascii"), hashlib.sha256).hexdigest()


def protect_numbers(series: pl.Series, secret: bytes) -> pl.DataFrame:
    """caller_key and caller_number_masked for a column of raw numbers (hashing each distinct once)."""
    uniques = series.unique().to_list()
    keys: dict[str | None, str | None] = {}
    masks: dict[str | None, str | None] = {}
    for value in uniques:
        digits = digits_of(value)
        keys[value] = caller_key(digits, secret) if digits else None
        masks[value] = mask_digits(digits) if digits else ("anonymous" if value is not None else None)
    frame = pl.DataFrame({"value": uniques}, schema={"value": pl.String})
    lookup = frame.with_columns(
        pl.col("value").replace_strict(keys, return_dtype=pl.String).alias("caller_key"),
        pl.col("value").replace_strict(masks, return_dtype=pl.String).alias("caller_number_masked"),
    )
    return (
        series.rename("value")
        .to_frame()
        .join(lookup, on="value", how="left", nulls_equal=True, maintain_order="left")
        .select("caller_key", "caller_number_masked")
    )


def redact_text(text: str | None) -> str | None:
    """Mask phone-like digit runs (7+ digits) inside free text."""
    if text is None:
        return None

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return mask_digits(digits) if len(digits) >= 7 else match.group(0)

    return _PHONE_IN_TEXT.sub(_mask, text)


def redact_series(series: pl.Series) -> pl.Series:
    return series.map_elements(redact_text, return_dtype=pl.String, skip_nulls=True)
