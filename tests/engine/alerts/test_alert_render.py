"""Per-channel wording: escaping, Telegram's length limit, the [이지스] prefix, SMS without emoji."""

from __future__ import annotations

from typing import Any

from engine.alerts.render import render_email, render_sms, render_telegram

ITEM: dict[str, Any] = {
    "alert_kind": "new",
    "program_key": "bizinfo:P1",
    "title": "<script>alert(1)</script> R&D 지원",
    "organization": "중기부 & 진흥원",
    "url": 'https://example.org/a?x=1&y="2"',
    "window_end": "2026-12-31",
    "verdict": "unknown",
    "unknown": ["직원 수"],
    "score": 2.5,
    "why": "서울 소재 <소상공인>이라 맞아요.",
}


def test_telegram_alert_escapes_title_and_link() -> None:
    text, buttons = render_telegram({"kind": "alert", "items": [ITEM]})
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert 'href="https://example.org/a?x=1&amp;y=&quot;2&quot;"' in text
    assert "확인 필요 (직원 수)" in text and "&lt;소상공인&gt;" in text
    assert buttons[0][0].url == ITEM["url"] and buttons[1][0].data == "save:bizinfo:P1"


def test_telegram_text_is_cut_to_4096_characters() -> None:
    items = [ITEM | {"title": "가" * 300, "program_key": f"k{i}"} for i in range(40)]
    text, _ = render_telegram({"kind": "batch", "items": items})
    assert len(text) <= 4096 and text.endswith("…")


def test_telegram_link_that_is_not_http_is_dropped() -> None:
    text, buttons = render_telegram({"kind": "alert", "items": [ITEM | {"url": "javascript:alert(1)"}]})
    assert "javascript" not in text and all(b.url is None for row in buttons for b in row)


def test_email_names_the_top_three_with_score_why_and_link() -> None:
    items = [ITEM | {"title": f"공고 {i}", "score": float(i)} for i in range(5)]
    mail = render_email({"kind": "digest", "items": items})
    assert mail.subject == "[이지스] 새로운 정책자금 추천"
    assert mail.text.index("공고 4") < mail.text.index("공고 3") < mail.text.index("공고 2")
    assert "그 밖의 공고:" in mail.text and "점수: 4.0" in mail.text and "추천 이유:" in mail.text
    assert "기관: 중기부 &amp; 진흥원" in mail.html and "&amp;y=&quot;2&quot;" in mail.html


def test_verification_mail_has_the_code_and_the_link() -> None:
    mail = render_email({"kind": "verification", "code": "123456", "link": "https://aegis.example/v?c=1"})
    assert mail.subject.startswith("[이지스]") and "123456" in mail.text and "https://aegis.example/v?c=1" in mail.html


def test_sms_starts_with_the_brand_and_counts_the_rest() -> None:
    text = render_sms({"kind": "batch", "items": [ITEM, ITEM | {"score": 0.1}]})
    assert text.startswith("[이지스] 새로운 지원사업 공고") and "외 1건" in text
    assert render_sms({"kind": "verification", "code": "654321"}) == "[이지스] 인증번호 [654321]를 입력해 주세요."
