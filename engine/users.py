"""The user repository: accounts, profiles, contacts and email verification (choices: `engine.choices`).

Keyword-only functions over the DB engine, each its own transaction; they return plain dataclasses
(never ORM rows), so the fronts (bot, dashboard, CLI) stay off the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from db.models import (
    Alert,
    AlertPreference,
    Contact,
    ConversationState,
    Delivery,
    Feedback,
    SavedProgram,
    User,
)
from db.session import session_scope
from engine.domain import Profile
from engine.errors import InvalidInput

CHANNELS = ("telegram", "email", "sms")
VERIFY_TTL = dt.timedelta(minutes=30)
VERIFY_MAX_ATTEMPTS = 5
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_MOBILE = re.compile(r"^01[016789]\d{7,8}$")
_PROFILE_COLUMNS = (
    "status",
    "region",
    "district",
    "industry",
    "industry_detail",
    "founded_on",
    "employees",
    "annual_revenue_krw",
    "representative_age",
    "traits",
    "needs",
    "description",
)


@dataclass(frozen=True)
class ContactView:
    """One alert channel of a user."""

    channel: str
    address: str
    verified: bool


@dataclass(frozen=True)
class UserView:
    """A user as the fronts see it: account state, profile (when complete) and contacts."""

    id: int
    telegram_chat_id: int | None
    display_name: str | None
    state: str
    source: str
    consented_at: dt.datetime | None
    onboarded_at: dt.datetime | None
    profile: Profile | None
    contacts: tuple[ContactView, ...] = ()

    @property
    def onboarded(self) -> bool:
        """Return whether the profile is complete (alerts start from then)."""
        return self.onboarded_at is not None


@dataclass
class ImportReport:
    """What `import_users` did (contract: `aegis users import --json`)."""

    received: int = 0
    new: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the contract's JSON object."""
        return {
            "received": self.received,
            "new": self.new,
            "updated": self.updated,
            "rejected": self.rejected,
            "errors": list(self.errors),
        }


def normalize_phone(value: str) -> str:
    """Return a Korean mobile number as digits (010-1234-5678, +82 10-1234-5678 → 01012345678)."""
    raw = value.strip()
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0082"):
        digits = "0" + digits[4:].lstrip("0")
    if not _MOBILE.match(digits):
        raise InvalidInput(f"invalid mobile phone number: {value!r}", user_message="휴대전화 번호를 확인해 주세요.")
    return digits


def normalize_email(value: str) -> str:
    """Return an email address trimmed, with its domain lower-cased; raise InvalidInput when malformed."""
    text = value.strip()
    if len(text) > 320 or not _EMAIL.match(text):
        raise InvalidInput(f"invalid email address: {value!r}", user_message="이메일 주소를 확인해 주세요.")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalize_address(channel: str, address: str) -> str:
    """Return the canonical address of a contact on `channel`."""
    if channel == "email":
        return normalize_email(address)
    if channel == "sms":
        return normalize_phone(address)
    if channel == "telegram":
        return str(int(address))
    raise InvalidInput(f"unknown channel: {channel!r}")


# --- accounts -------------------------------------------------------------------------------------


def get_or_create_telegram_user(db: Engine, *, chat_id: int, display_name: str | None, now: dt.datetime) -> UserView:
    """Return the user of a Telegram chat, creating it (with its verified contact) on first contact.

    A user who had blocked the bot and writes again is active again.
    """
    with session_scope(db) as session:
        user = session.exec(select(User).where(User.telegram_chat_id == chat_id)).first()
        if user is None:
            user = User(telegram_chat_id=chat_id, display_name=display_name, source="telegram", created_at=now)
            user.updated_at = now
            session.add(user)
            session.flush()
            _upsert_contact(session, _id(user), "telegram", str(chat_id), verified=True, now=now)
        elif user.state != "active":
            user.state, user.blocked_at, user.updated_at = "active", None, now
        return _view(session, user)


def create_user(db: Engine, *, display_name: str | None, source: str, now: dt.datetime) -> UserView:
    """Create a user with no Telegram chat (the terminal `aegis chat`, the dashboard's bot preview)."""
    with session_scope(db) as session:
        user = User(display_name=display_name, source=source, created_at=now)
        user.updated_at = now
        session.add(user)
        session.flush()
        return _view(session, user)


def find_user(
    db: Engine, *, telegram_chat_id: int | None = None, email: str | None = None, phone: str | None = None
) -> UserView | None:
    """Return the user with this Telegram chat, email or phone, or None."""
    with session_scope(db) as session:
        user = _find(session, telegram_chat_id, email, phone)
        return _view(session, user) if user else None


def get_user(db: Engine, *, user_id: int) -> UserView | None:
    """Return a user, or None when there is none with this id."""
    with session_scope(db) as session:
        user = session.get(User, user_id)
        return _view(session, user) if user else None


def user_profile(db: Engine, *, user_id: int) -> Profile | None:
    """Return the user's profile, or None when it is not complete."""
    with session_scope(db) as session:
        user = session.get(User, user_id)
        return profile_of(user) if user else None


def save_profile(db: Engine, *, user_id: int, profile: Profile, now: dt.datetime, onboarded: bool = True) -> None:
    """Store a profile; `onboarded` marks it complete (alerts cover programs new or changed from now on)."""
    with session_scope(db) as session:
        user = require_user(session, user_id)
        _apply_profile(user, profile)
        if onboarded and user.onboarded_at is None:
            user.onboarded_at = now
        user.updated_at = now


def record_consent(db: Engine, *, user_id: int, now: dt.datetime) -> None:
    """Record the user's consent to collection and use of personal data (개인정보 수집·이용 동의)."""
    with session_scope(db) as session:
        user = require_user(session, user_id)
        user.consented_at = user.consented_at or now
        user.updated_at = now


def mark_inactive(db: Engine, *, user_id: int, reason: str, now: dt.datetime) -> None:
    """Stop alerting a user (blocked the bot, unsubscribed); pending deliveries are dropped."""
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None:
            return
        user.state, user.updated_at = "inactive", now
        if reason == "blocked":
            user.blocked_at = now
        session.exec(delete(Delivery).where(col(Delivery.user_id) == user_id, col(Delivery.status) == "pending"))


def delete_user(db: Engine, *, user_id: int) -> bool:
    """Erase a user and everything about them; return whether there was one."""
    with session_scope(db) as session:
        user = session.get(User, user_id)
        if user is None:
            return False
        for table in (Delivery, Alert, Feedback, SavedProgram, Contact, AlertPreference, ConversationState):
            session.exec(delete(table).where(col(table.user_id) == user_id))
        session.delete(user)
        return True


# --- contacts and verification --------------------------------------------------------------------


def add_contact(
    db: Engine, *, user_id: int, channel: str, address: str, verified: bool, now: dt.datetime
) -> ContactView:
    """Add (or update) a contact of a user; raise InvalidInput when it belongs to someone else."""
    canonical = normalize_address(channel, address)
    with session_scope(db) as session:
        require_user(session, user_id)
        contact = _upsert_contact(session, user_id, channel, canonical, verified=verified, now=now)
        return ContactView(contact.channel, contact.address, contact.verified)


def remove_contact(db: Engine, *, user_id: int, channel: str) -> None:
    """Remove a user's contacts on one channel."""
    with session_scope(db) as session:
        session.exec(delete(Contact).where(col(Contact.user_id) == user_id, col(Contact.channel) == channel))


def contacts(db: Engine, *, user_id: int) -> list[ContactView]:
    """Return a user's contacts."""
    with session_scope(db) as session:
        return [ContactView(c.channel, c.address, c.verified) for c in _contacts(session, user_id)]


def start_email_verification(
    db: Engine, *, user_id: int, email: str, now: dt.datetime, public_url: str | None = None
) -> str:
    """Store an unverified email with a fresh code and queue the verification mail; return the code.

    The code is kept only as a hash; the mail (a Delivery of kind "verification") is sent by the job runner.
    """
    address = normalize_email(email)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with session_scope(db) as session:
        require_user(session, user_id)
        contact = _upsert_contact(session, user_id, "email", address, verified=False, now=now)
        contact.verify_code_hash = _hash_code(code)
        contact.verify_expires_at = now + VERIFY_TTL
        contact.verify_attempts = 0
        payload: dict[str, Any] = {"kind": "verification", "code": code}
        if public_url:
            payload["link"] = f"{public_url.rstrip('/')}/verify-email?user={user_id}&code={code}"
        session.add(
            Delivery(
                user_id=user_id,
                channel="email",
                address=address,
                kind="verification",
                dedupe_key=f"verify:{address}:{int(now.timestamp())}:{secrets.token_hex(4)}",
                payload=payload,
                available_at=now,
                created_at=now,
            )
        )
    return code


def verify_email(db: Engine, *, user_id: int, code: str, now: dt.datetime) -> bool:
    """Check a verification code; return whether the user's email is now verified.

    A code expires after 30 minutes and after five wrong tries.
    """
    with session_scope(db) as session:
        contact = session.exec(
            select(Contact).where(
                Contact.user_id == user_id, Contact.channel == "email", col(Contact.verify_code_hash).is_not(None)
            )
        ).first()
        if contact is None or contact.verify_code_hash is None:
            return False
        expired = contact.verify_expires_at is None or now > contact.verify_expires_at
        if expired or contact.verify_attempts >= VERIFY_MAX_ATTEMPTS:
            return False
        if not hmac.compare_digest(contact.verify_code_hash, _hash_code(code.strip())):
            contact.verify_attempts += 1
            return False
        contact.verified, contact.verified_at = True, now
        contact.verify_code_hash, contact.verify_expires_at = None, None
        return True


# --- internals ------------------------------------------------------------------------------------


def profile_of(user: Any) -> Profile | None:
    """Return the profile held in a user row (ORM object or plain row), or None when it is not complete."""
    if user.onboarded_at is None or user.region is None:
        return None
    data = {name: getattr(user, name) for name in _PROFILE_COLUMNS}
    data["name"] = user.display_name
    data["needs"] = list(data["needs"] or [])
    return Profile.model_validate({k: v for k, v in data.items() if v is not None or k == "traits"})


def _apply_profile(user: User, profile: Profile) -> None:
    for name in _PROFILE_COLUMNS:
        value = getattr(profile, name)
        setattr(user, name, list(value) if isinstance(value, list) else value)
    if profile.name:
        user.display_name = profile.name


def _id(user: User) -> int:
    assert user.id is not None  # flushed rows have their id
    return user.id


def require_user(session: Session, user_id: int) -> User:
    """Return the user row, or raise InvalidInput for an unknown id."""
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput(f"unknown user: {user_id}", user_message="사용자를 찾을 수 없어요.")
    return user


def _find(session: Session, telegram_chat_id: int | None, email: str | None, phone: str | None) -> User | None:
    if telegram_chat_id is not None:
        user = session.exec(select(User).where(User.telegram_chat_id == telegram_chat_id)).first()
        if user:
            return user
    for channel, address in (("email", email), ("sms", phone)):
        if address:
            contact = session.exec(
                select(Contact).where(Contact.channel == channel, Contact.address == address)
            ).first()
            if contact:
                return session.get(User, contact.user_id)
    return None


def _contacts(session: Session, user_id: int) -> list[Contact]:
    return list(session.exec(select(Contact).where(Contact.user_id == user_id).order_by(col(Contact.id))))


def _upsert_contact(
    session: Session, user_id: int, channel: str, address: str, *, verified: bool, now: dt.datetime
) -> Contact:
    contact = session.exec(select(Contact).where(Contact.channel == channel, Contact.address == address)).first()
    if contact is not None and contact.user_id != user_id:
        raise InvalidInput(
            f"{channel} contact already belongs to another user", user_message="이미 다른 사용자가 쓰는 연락처예요."
        )
    if contact is None:
        if channel in ("email", "sms"):  # one address per channel: a new one replaces the old
            session.exec(delete(Contact).where(col(Contact.user_id) == user_id, col(Contact.channel) == channel))
        contact = Contact(user_id=user_id, channel=channel, address=address, created_at=now)
        session.add(contact)
    if verified and not contact.verified:
        contact.verified, contact.verified_at = True, now
    session.flush()
    return contact


def _view(session: Session, user: User) -> UserView:
    return UserView(
        id=_id(user),
        telegram_chat_id=user.telegram_chat_id,
        display_name=user.display_name,
        state=user.state,
        source=user.source,
        consented_at=user.consented_at,
        onboarded_at=user.onboarded_at,
        profile=profile_of(user),
        contacts=tuple(ContactView(c.channel, c.address, c.verified) for c in _contacts(session, _id(user))),
    )


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def import_users(db: Engine, *, lines: Iterable[str], now: dt.datetime) -> ImportReport:
    """Register users an operator onboarded from JSON Lines (contract: `aegis users import`)."""
    from engine.userimport import import_lines

    return import_lines(db, lines=lines, now=now)
