"""The BM25 search index over stored tokens."""

from __future__ import annotations

from engine.search import SearchIndex

DOCS: list[tuple[str, list[str]]] = [
    ("b:1", ["카페", "리모델링", "시설", "자금", "소상공인"]),
    ("b:2", ["수출", "바우처", "해외", "마케팅"]),
    ("b:3", ["청년", "창업", "시제품", "개발", "창업"]),
    ("b:4", ["소상공인", "운전", "자금", "경영", "안정"]),
    ("b:5", []),
]


def test_search_ranks_the_document_with_the_query_terms_first() -> None:
    index = SearchIndex.build(DOCS)
    results = index.search(["수출", "바우처"])
    assert results[0][0] == "b:2"
    assert [doc for doc, _ in results] == ["b:2"]
    assert isinstance(results[0][1], float) and results[0][1] > 0


def test_search_returns_only_matching_documents_best_first() -> None:
    results = SearchIndex.build(DOCS).search(["자금", "리모델링"])
    assert [doc for doc, _ in results] == ["b:1", "b:4"]
    assert results[0][1] > results[1][1]


def test_search_respects_top_k_and_allowed() -> None:
    index = SearchIndex.build(DOCS)
    assert len(index.search(["자금"], top_k=1)) == 1
    assert index.search(["자금"], top_k=0) == []
    assert [doc for doc, _ in index.search(["자금", "리모델링"], allowed={"b:4"})] == ["b:4"]
    assert index.search(["자금"], allowed=[]) == []


def test_empty_corpus_empty_query_and_unknown_terms_return_nothing() -> None:
    assert SearchIndex.build([]).search(["자금"]) == []
    assert SearchIndex.build([("x", [])]).score_all(["자금"]) == {}
    index = SearchIndex.build(DOCS)
    assert index.search([]) == []
    assert index.search(["없는말"]) == []
    assert index.score_all([]) == {}


def test_score_all_maps_every_matching_program_to_a_float() -> None:
    scores = SearchIndex.build(DOCS).score_all(["소상공인"])
    assert set(scores) == {"b:1", "b:4"}
    assert all(isinstance(v, float) and v > 0 for v in scores.values())


def test_repeating_title_tokens_weighs_the_title_more() -> None:
    docs = [("title", ["보증", "보증", "보증", "자금"]), ("body", ["보증", "자금", "운전", "시설"])]
    assert SearchIndex.build(docs).search(["보증"])[0][0] == "title"


def test_terms_in_finds_vocabulary_terms_as_substrings_each_once() -> None:
    index = SearchIndex.build(DOCS)
    assert index.terms_in("카페 리모델링 자금을 빌리고 싶어요. 자금!") == ["카페", "리모델링", "자금"]
    assert index.terms_in("") == []
    assert index.terms_in("아무것도") == []
    assert index.terms_in("청년창업") == ["청년", "창업"]
    assert "소상공인" in index.vocabulary and "" not in index.vocabulary


def test_terms_in_lower_cases_the_text_and_skips_one_character_terms() -> None:
    index = SearchIndex.build([("a", ["r&d", "ai", "수"])])
    assert index.terms_in("AI 기반 R&D 수출") == ["ai", "r&d"]


def test_terms_in_finds_known_terms_in_long_text_on_a_large_vocabulary() -> None:
    docs = [(f"d:{i}", [f"용어{i}", f"단어{i % 97}", "자금"]) for i in range(5000)]
    index = SearchIndex.build(docs)
    text = "대구에서 문구 도소매업을 하고 있습니다. 운영자금과 온라인 판로가 필요합니다. 용어42 " * 5
    terms = index.terms_in(text)
    assert "자금" in terms and "용어42" in terms


def test_one_character_query_terms_are_ignored() -> None:
    index = SearchIndex.build([("a", ["있", "곳", "자금"]), ("b", ["카페"])])
    assert index.search(["있", "곳"]) == []
    assert [doc for doc, _ in index.search(["있", "카페"])] == ["b"]
