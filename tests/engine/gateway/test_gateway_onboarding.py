"""`extract_profile` through the gateway: the provider's reading is used only where it fits the contract."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from prometheus_client import CollectorRegistry

from engine.gateway import Gateway
from engine.onboarding import draft_profile

TEXT = "판교에서 소프트웨어 회사를 운영합니다."


def test_provider_reading_fills_what_rules_miss(fake: Any, llm: Any) -> None:
    reading = {"region": "경기", "district": "성남시", "industry": "J", "employees": 2, "status": "operating"}
    fake.script("selfhosted", reply=json.dumps(reading, ensure_ascii=False))
    gateway = Gateway.from_settings(llm(chain="selfhosted"), registry=CollectorRegistry())
    draft = draft_profile(TEXT, today=dt.date(2026, 11, 26), gateway=gateway)
    assert draft.provider == "selfhosted"
    assert (draft.fields["region"], draft.fields["industry"], draft.fields["employees"]) == ("41", "J", 2)
    assert draft.fields["description"] == TEXT


def test_reading_that_breaks_the_profile_contract_is_not_used(fake: Any, llm: Any) -> None:
    reading = {"region": "경기", "industry": "J", "representative_age": 500}
    fake.script("selfhosted", reply=json.dumps(reading, ensure_ascii=False))
    gateway = Gateway.from_settings(llm(chain="selfhosted"), registry=CollectorRegistry())
    draft = draft_profile(TEXT, today=dt.date(2026, 11, 26), gateway=gateway)
    assert draft.provider == "offline"
    assert "representative_age" not in draft.fields and "region" not in draft.fields


def test_failing_provider_leaves_the_rules_draft(fake: Any, llm: Any) -> None:
    fake.script("selfhosted", "500")
    gateway = Gateway.from_settings(llm(chain="selfhosted"), registry=CollectorRegistry())
    draft = draft_profile(TEXT, today=dt.date(2026, 11, 26), gateway=gateway)
    assert draft.provider == "offline"
    assert draft.fields["status"] == "operating"
    assert "region" not in draft.fields  # 판교 is no 시군구: the rules do not guess
