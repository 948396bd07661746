"""Wording of deliveries per channel: Telegram HTML (escaped, ≤ 4096 chars), email (plain + HTML), SMS.

Renderers read only the delivery's payload (written by fill.py or users.py), so the bot and the job
runner word a message the same way. Titles and links are escaped for the channel they go to; email
subjects and SMS texts begin with "[이지스]".
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

TELEGRAM_LIMIT = 4096
BRAND = "[이지스]"
TOP_IN_MAIL = 3
_HEADLINES = {
    "new": "새로운 지원사업 공고",
    "changed": "공고 내용이 바뀌었어요",
    "reminder_d7": "마감 7일 전",
    "reminder_d3": "마감 3일 전",
    "reminder_d1": "마감 하루 전",
}
_FIELDS = {
    "window": "접수 기간",
    "amount": "지원 금액",
    "conditions": "신청 자격",
    "title": "공고명",
    "content": "내용",
}
_CHANGES = {"closed": "접수가 마감되었어요", "reopened": "접수가 다시 열렸어요"}


@dataclass(frozen=True)
class AlertButton:
    """A button under a Telegram alert: a link (`url`) or a callback (`data`)."""

    label: str
    url: str | None = None
    data: str | None = None


@dataclass(frozen=True)
class Email:
    """A rendered mail: subject, plain text and HTML alternative."""

    subject: str
    text: str
    html: str


def headline(item: dict[str, Any]) -> str:
    """Return the one-line Korean headline of an alert item."""
    change = item.get("change")
    if item.get("alert_kind") == "changed":
        if change in _CHANGES:
            return _CHANGES[change]
        fields = [_FIELDS.get(f, f) for f in item.get("fields") or []]
        return f"공고 변경: {', '.join(fields)}" if fields else _HEADLINES["changed"]
    return _HEADLINES.get(str(item.get("alert_kind")), "지원사업 알림")


def verdict_text(item: dict[str, Any]) -> str:
    """Return the verdict in Korean, naming what is still to check."""
    if item.get("verdict") == "unknown":
        unknown = item.get("unknown") or []
        return "확인 필요" + (f" ({', '.join(map(str, unknown))})" if unknown else "")
    return "신청 가능"


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _ordered(payload: dict[str, Any]) -> list[dict[str, Any]]:
    items = list(payload.get("items") or [])
    return sorted(items, key=lambda i: -float(i.get("score") or 0.0))


# --- Telegram -------------------------------------------------------------------------------------


def render_telegram(payload: dict[str, Any]) -> tuple[str, list[list[AlertButton]]]:
    """Return the Telegram HTML text (escaped, at most 4096 characters) and its buttons."""
    kind = payload.get("kind")
    if kind == "verification":
        return f"이지스 인증 코드: <b>{html.escape(str(payload.get('code', '')))}</b>", []
    if kind in ("broadcast", "ops"):
        return html.escape(str(payload.get("text", "")))[:TELEGRAM_LIMIT], []
    items = _ordered(payload)
    if len(items) == 1:
        item = items[0]
        text = "\n".join(_telegram_item(item, detailed=True))
        url = _safe_url(item.get("url"))
        buttons = [[AlertButton("공고 보기", url=url)]] if url else []
        key = str(item.get("program_key", ""))
        if item.get("alert_kind") == "new" and len(f"save:{key}".encode()) <= 64:
            buttons.append([AlertButton("저장", data=f"save:{key}"), AlertButton("관심 없음", data=f"ni:{key}")])
        return _clip(text), buttons
    title = "오늘의 맞춤 지원사업" if kind == "digest" else f"새 알림 {len(items)}건"
    lines = [f"<b>{title}</b>", ""]
    for number, item in enumerate(items, 1):
        lines.extend(_telegram_item(item, detailed=False, number=number))
        lines.append("")
    if payload.get("more"):
        lines.append(f"외 {int(payload['more'])}건이 더 있어요. /recommend 로 확인해 보세요.")
    return _clip("\n".join(lines).rstrip()), []


def _telegram_item(item: dict[str, Any], *, detailed: bool, number: int | None = None) -> list[str]:
    title = html.escape(str(item.get("title", "")))
    url = _safe_url(item.get("url"))
    name = f'<a href="{html.escape(url, quote=True)}">{title}</a>' if url else title
    prefix = f"{number}. " if number is not None else ""
    lines = [f"🔔 {html.escape(headline(item))}", f"{prefix}<b>{name}</b>"] if detailed else [f"{prefix}<b>{name}</b>"]
    facts = []
    if item.get("organization"):
        facts.append(f"기관: {html.escape(str(item['organization']))}")
    if item.get("window_end"):
        facts.append(f"마감: {html.escape(str(item['window_end']))}")
    if not detailed:
        facts.append(html.escape(headline(item)))
    facts.append(html.escape(verdict_text(item)))
    lines.append(" · ".join(facts))
    if detailed and item.get("why"):
        lines.append(html.escape(str(item["why"])))
    return lines


def _clip(text: str) -> str:
    """Cut HTML text to Telegram's limit without breaking a tag or an entity."""
    if len(text) <= TELEGRAM_LIMIT:
        return text
    cut = text[: TELEGRAM_LIMIT - 2]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return cut + "\n…"


# --- email ----------------------------------------------------------------------------------------


def render_email(payload: dict[str, Any]) -> Email:
    """Return the mail for a delivery: verification, or 새로운 정책자금 추천 with the top 3."""
    if payload.get("kind") == "verification":
        return _verification_mail(payload)
    if payload.get("kind") in ("broadcast", "ops"):  # operator alerts (engine/ops/health.py) and notices
        text = str(payload.get("text", ""))
        subject = str(payload.get("subject") or f"{BRAND} 알림")
        return Email(subject=subject, text=text, html=f"<p>{html.escape(text)}</p>".replace("\n", "<br>"))
    items = _ordered(payload)
    reminder = all(str(i.get("alert_kind", "")).startswith("reminder") for i in items)
    if reminder and items:
        subject = f"{BRAND} {headline(items[0])}: {items[0].get('title', '')}"
    else:
        subject = f"{BRAND} 새로운 정책자금 추천"
    top, rest = items[:TOP_IN_MAIL], items[TOP_IN_MAIL:]
    text_lines = ["안녕하세요, 이지스입니다.", "사업장에 맞는 지원사업을 알려 드려요.", ""]
    html_parts = ["<p>안녕하세요, 이지스입니다.<br>사업장에 맞는 지원사업을 알려 드려요.</p>", "<ol>"]
    for number, item in enumerate(top, 1):
        text_lines.extend(_mail_text_item(number, item))
        html_parts.append(_mail_html_item(item))
    html_parts.append("</ol>")
    more = len(rest) + int(payload.get("more") or 0)
    if rest:
        text_lines.append("그 밖의 공고:")
        html_parts.append("<p>그 밖의 공고:</p><ul>")
        for item in rest:
            text_lines.append(f"- {item.get('title', '')}")
            html_parts.append(f"<li>{html.escape(str(item.get('title', '')))}</li>")
        html_parts.append("</ul>")
    if payload.get("more"):
        text_lines.append(f"외 {more - len(rest)}건")
    footer = "알림 설정은 텔레그램 봇의 /settings 에서 바꿀 수 있어요."
    text_lines.extend(["", footer])
    html_parts.append(f'<p style="color:#666">{html.escape(footer)}</p>')
    return Email(subject=subject, text="\n".join(text_lines), html="\n".join(html_parts))


def _mail_text_item(number: int, item: dict[str, Any]) -> list[str]:
    lines = [f"{number}. {item.get('title', '')}", f"   {headline(item)} · {verdict_text(item)}"]
    if item.get("organization"):
        lines.append(f"   기관: {item['organization']}")
    if item.get("score") is not None:
        lines.append(f"   점수: {float(item['score']):.1f}")
    if item.get("window_end"):
        lines.append(f"   마감: {item['window_end']}")
    if item.get("why"):
        lines.append(f"   추천 이유: {item['why']}")
    url = _safe_url(item.get("url"))
    if url:
        lines.append(f"   {url}")
    lines.append("")
    return lines


def _mail_html_item(item: dict[str, Any]) -> str:
    title = html.escape(str(item.get("title", "")))
    url = _safe_url(item.get("url"))
    head = f'<a href="{html.escape(url, quote=True)}">{title}</a>' if url else title
    facts = [html.escape(headline(item)), html.escape(verdict_text(item))]
    if item.get("organization"):
        facts.append(f"기관: {html.escape(str(item['organization']))}")
    if item.get("score") is not None:
        facts.append(f"점수: {float(item['score']):.1f}")
    if item.get("window_end"):
        facts.append(f"마감: {html.escape(str(item['window_end']))}")
    why = f"<br>추천 이유: {html.escape(str(item['why']))}" if item.get("why") else ""
    return f"<li><b>{head}</b><br>{' · '.join(facts)}{why}</li>"


def _verification_mail(payload: dict[str, Any]) -> Email:
    code = str(payload.get("code", ""))
    link = _safe_url(payload.get("link"))
    text = ["안녕하세요, 이지스입니다.", f"이메일 인증 코드: {code}", "텔레그램 봇에 이 코드를 입력해 주세요."]
    body = [
        "<p>안녕하세요, 이지스입니다.</p>",
        f"<p>이메일 인증 코드: <b>{html.escape(code)}</b></p>",
        "<p>텔레그램 봇에 이 코드를 입력해 주세요.</p>",
    ]
    if link:
        text.append(f"또는 이 링크를 여세요: {link}")
        body.append(f'<p><a href="{html.escape(link, quote=True)}">이메일 인증하기</a></p>')
    text.append("코드는 30분 동안 유효해요. 요청하지 않으셨다면 이 메일을 무시해 주세요.")
    body.append("<p>코드는 30분 동안 유효해요. 요청하지 않으셨다면 이 메일을 무시해 주세요.</p>")
    return Email(subject=f"{BRAND} 이메일 인증 코드", text="\n".join(text), html="\n".join(body))


# --- SMS ------------------------------------------------------------------------------------------


def render_sms(payload: dict[str, Any]) -> str:
    """Return the SMS text (starts with [이지스]; no emoji: SENS sends EUC-KR)."""
    if payload.get("kind") == "verification":
        return f"{BRAND} 인증번호 [{payload.get('code', '')}]를 입력해 주세요."
    items = _ordered(payload)
    if not items:
        return f"{BRAND} {payload.get('text', '')}".strip()
    first = items[0]
    lines = [f"{BRAND} {headline(first)}", str(first.get("title", ""))]
    if first.get("window_end"):
        lines.append(f"마감 {first['window_end']}")
    url = _safe_url(first.get("url"))
    if url:
        lines.append(url)
    others = len(items) - 1 + int(payload.get("more") or 0)
    if others:
        lines.append(f"외 {others}건: 텔레그램이나 이메일에서 확인하세요.")
    return "\n".join(lines)
