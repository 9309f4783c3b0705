"""The two languages of the dashboards' words (dashboards/strings.py): every label has an English
and a Chinese version that keep the same placeholders, and the switch picks one or both."""

from __future__ import annotations

import re

import pytest

from dashboards import strings
from dashboards.metrics import catalogue

PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ONLY_IN_BOTH = {"logged_in_as"}  # a name, a role and a scope: no words of its own


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("Connected 接通", "Connected", "接通"),
        ("Within 20 s 20秒内接通", "Within 20 s", "20秒内接通"),  # the digits go with the Chinese
        ("Phone time (h:mm) 通话时长", "Phone time (h:mm)", "通话时长"),
        ("WAPE", "WAPE", "WAPE"),
    ],
)
def test_a_label_splits_at_its_first_chinese_character(text, en, zh):
    assert strings.split(text) == (en, zh)


def _pairs():
    keys = set(strings.LABELS) | set(strings.OWN_WORDS)
    for key in sorted(keys):
        yield key, strings.OWN_WORDS.get(key) or strings.split(strings.LABELS[key])


def test_every_label_has_both_languages_with_the_same_placeholders():
    for key, (en, zh) in _pairs():
        assert en and zh, key
        assert set(PLACEHOLDER.findall(en)) == set(PLACEHOLDER.findall(zh)), key
        if key not in ENGLISH_ONLY_IN_BOTH | {"wape", "mase"}:
            assert CHINESE.search(zh), (key, zh)
            assert not CHINESE.search(en), (key, en)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("both", "Connected 接通"), ("en", "Connected"), ("zh", "接通")],
)
def test_the_setting_picks_the_language(monkeypatch, language, expected):
    monkeypatch.setenv("DASHBOARD_LANGUAGE", language)
    assert strings.t("answered") == expected
    connect = catalogue()["connect_rate"]
    assert strings.t("connect_rate") == {"both": f"{connect.short} {connect.label_zh}", "en": connect.short,
                                         "zh": connect.label_zh}[language]  # fmt: skip
    assert (
        strings.t("files_caption", files=5, read=32, accepted=32, rejected=0, unaccounted=0).count("32") == 2
    )


def test_an_unknown_language_falls_back_to_both(monkeypatch):
    monkeypatch.setenv("DASHBOARD_LANGUAGE", "fr")
    assert strings.default_language() == "both"
    assert strings.t("download_csv") == "Download CSV"  # as the bilingual pages always showed it


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("zh", 9_999, "9,999"),
        ("zh", 10_000, "1万"),
        ("zh", 35_120, "3.51万"),
        ("zh", 123_456, "12.35万"),
        ("zh", 1_234_567, "123.46万"),
        ("zh", 120_000_000, "1.2亿"),
        ("en", 123_456, "123,456"),
        ("both", 123_456, "123,456"),
    ],
)
def test_counts_from_ten_thousand_read_in_wan_in_chinese(monkeypatch, language, value, expected):
    from dashboards.components.formatting import fmt

    monkeypatch.setenv("DASHBOARD_LANGUAGE", language)
    assert fmt("offered", value) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "Mon"), ("zh", "周一"), ("both", "Mon 周一")])
def test_weekdays_are_named_in_the_language(monkeypatch, language, expected):
    monkeypatch.setenv("DASHBOARD_LANGUAGE", language)
    assert strings.weekday_text(1) == expected
    assert strings.weekday_text(7) == {"en": "Sun", "zh": "周日", "both": "Sun 周日"}[language]
