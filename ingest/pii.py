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
# Phone-like runs in text: digits with the separators people write (+86 138 1234 5678,
# 138.1234.5678, (138)1234-5678). Dates, clock times and switch call ids (1709251200.123) are
# kept: they are matched first and left as they are.
_DATE_TIME = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_IN_TEXT = re.compile(
    rf"(?P<keep>{_DATE_TIME}|(?<![\d.])\d{{9,11}}\.\d+(?![\d.]))"
    r"|(?P<phone>(?<![\d])\+?\(?\d[\d\-.\s()]{5,}\d(?!\d))"
)
# A caller id with a name, as switches write it: "Zhang San" <13812345678>.
_NAMED_NUMBER = re.compile(r'(""?)([^"<>]*)(""?)\s*<([^<>]*)>')
# Names people write in comments, found by what comes before or after them (no dictionary of
# names can be complete): 我叫张三 → 我叫某某, 我姓张 → 我姓某, 姓名：张三 → 姓名：某某,
# 张先生 → 某先生, "my name is John Smith" / "Mr. Smith" → ***. A name without such a cue stays:
# comments are shown to managers only and never reach the marts (docs/data-contracts.md).
_HAN = r"[\u4e00-\u9fff]"
_NAMES_IN_TEXT = re.compile(
    rf"(?P<zh_cue>(?:我叫|叫我|我姓|本人姓|(?:客户|用户|联系人)?姓名\s*[:：]?|联系人\s*[:：]?)\s*)(?P<zh_name>{_HAN}{{1,3}})"
    rf"|(?P<surname>{_HAN})(?P<title>先生|女士|小姐|太太|师傅)"
    r"|(?P<en_cue>\b(?:[Mm]y name is|[Nn]ame\s*:|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?))\s+"
    r"(?P<en_name>[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)"
)


def _mask_name(match: re.Match[str]) -> str:
    if match.group("zh_cue"):
        cue = match.group("zh_cue")
        return cue + ("某" if cue.rstrip().endswith("姓") else "某某")
    if match.group("title"):
        return "某" + match.group("title")
    return match.group("en_cue") + " ***"


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


HELD_PREFIX = "#key:"
# Exactly what held_caller writes: the key, then the mask (digits and stars).
_HELD_TOKEN = re.compile(r"#key:([0-9a-f]{64}):([0-9*]+)")


def held_caller(value: str, secret: bytes) -> str:
    """A caller number as a line held for the next file may store it: `#key:<caller_key>:<masked>`
    (already keyed, never in clear). An anonymous caller and a token stay as they are."""
    if _HELD_TOKEN.fullmatch(value):
        return value
    digits = digits_of(value)
    return f"{HELD_PREFIX}{caller_key(digits, secret)}:{mask_digits(digits)}" if digits else value


def protect_numbers(series: pl.Series, secret: bytes) -> pl.DataFrame:
    """caller_key and caller_number_masked for a column of raw numbers.

    Digits and masks are computed by Polars on the whole column; the HMAC runs once per distinct
    number, from the secret's precomputed inner and outer states (the same keys as
    `caller_key`, about three times faster than a new HMAC per number)."""
    text = pl.col("value").str.strip_chars()
    is_anonymous = text.is_null() | (text == "") | text.str.to_lowercase().is_in(list(ANONYMOUS))
    digits = text.str.replace_all(r"\D", "")
    n = digits.str.len_chars()
    # +86 / 0086 in front of an 11-digit mobile is the same caller as without it.
    digits = (
        pl.when((n == 15) & digits.str.starts_with("0086")).then(digits.str.slice(4))
        .when((n == 13) & digits.str.starts_with("86")).then(digits.str.slice(2))
        .otherwise(digits)
    )  # fmt: skip
    digits = pl.when(is_anonymous | (digits == "")).then(None).otherwise(digits).alias("digits")
    frame = series.rename("value").to_frame().with_columns(digits)
    distinct = frame.get_column("digits").drop_nulls().unique()
    keyed = pl.DataFrame(
        {"digits": distinct, "caller_key": _hmac_many(distinct.to_list(), secret)},
        schema={"digits": pl.String, "caller_key": pl.String},
    )
    d = pl.col("digits")
    length = d.str.len_chars()
    stars = pl.lit("*")
    masked = (
        pl.when(length >= 8)
        .then(pl.concat_str(d.str.slice(0, 3), stars.repeat_by(length - 7).list.join(""), d.str.slice(-4)))
        .when(length > 2)
        .then(pl.concat_str(stars.repeat_by(length - 2).list.join(""), d.str.slice(-2)))
        .otherwise(stars.repeat_by(length).list.join(""))
    )
    # Keyed already by the queue_log adapter (held_caller). Only that exact form: any other value
    # starting with the prefix is a number like any other, never a key of the file's choosing.
    held = pl.col("value").str.contains(f"^{_HELD_TOKEN.pattern}$")
    parts = pl.col("value").str.strip_prefix(HELD_PREFIX).str.split(":")
    return (
        frame.join(keyed, on="digits", how="left", maintain_order="left")
        .with_columns(
            pl.when(held)
            .then(parts.list.get(1, null_on_oob=True))
            .when(d.is_not_null())
            .then(masked)
            .when(pl.col("value").is_not_null())
            .then(pl.lit("anonymous"))
            .alias("caller_number_masked"),
            pl.when(held)
            .then(parts.list.get(0, null_on_oob=True))
            .otherwise(pl.col("caller_key"))
            .alias("caller_key"),
        )
        .select("caller_key", "caller_number_masked")
    )


def _hmac_many(digits: list[str], secret: bytes) -> list[str]:
    """HMAC-SHA256 hex of each value: the secret's pads are hashed once, then copied per value."""
    block = hashlib.sha256().block_size
    key = hashlib.sha256(secret).digest() if len(secret) > block else secret
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    for value in digits:
        i = inner.copy()
        i.update(value.encode("ascii"))
        o = outer.copy()
        o.update(i.digest())
        out.append(o.hexdigest())
    return out


def redact_text(text: str | None) -> str | None:
    """Free text or a landed line with its personal data masked: phone-like digit runs (7+
    digits) become 138****5678, the name of a caller id ("Zhang San" <…>) becomes ***, and names
    written after or before a cue (我叫…, …先生, "my name is …") are masked. The one
    redaction every path that stores landed text uses (survey comments, rejected switch lines)."""
    if text is None:
        return None

    def _named(match: re.Match[str]) -> str:
        opening, name, closing, number = match.groups()
        return f"{opening}{'***' if name.strip() else ''}{closing} <{_mask_runs(number)}>"

    text = _HELD_TOKEN.sub(lambda m: m.group(2), text)  # a keyed caller: people see the mask only
    return _NAMES_IN_TEXT.sub(_mask_name, _mask_runs(_NAMED_NUMBER.sub(_named, text)))


def _mask_runs(text: str) -> str:
    def _mask(match: re.Match[str]) -> str:
        if match.group("keep"):
            return match.group(0)
        digits = re.sub(r"\D", "", match.group(0))
        return mask_digits(digits_of(match.group(0)) or digits) if len(digits) >= 7 else match.group(0)

    return _IN_TEXT.sub(_mask, text)


def redact_line(text: str, sep: str, keep_fields: tuple[int, ...] = ()) -> str:
    """A switch's line with personal data masked, field by field; the fields in `keep_fields`
    (a queue_log line's time and call id) are kept when they are a time or an id, nothing else."""
    fields = text.split(sep)
    return sep.join(
        field if i in keep_fields and _TIME_OR_ID.fullmatch(field.strip()) else redact_text(field)
        for i, field in enumerate(fields)
    )


def redact_landed_line(text: str) -> str:
    """A rejected line of a switch's export as it may be stored: a queue_log line (`|`) keeps its
    time and call id; any other line (CDR, a database export) is redacted as text."""
    return redact_line(text, "|", (0, 1)) if "|" in text else redact_text(text)


# An epoch (10 digits, to the year 2286), a switch's call id (epoch.sequence) or a date-time.
_TIME_OR_ID = re.compile(rf"\d{{10}}|\d{{9,11}}\.\d+|{_DATE_TIME}")


def redact_series(series: pl.Series) -> pl.Series:
    return series.map_elements(redact_text, return_dtype=pl.String, skip_nulls=True)
