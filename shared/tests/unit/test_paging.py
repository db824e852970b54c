"""Paging a list held in full: the same envelope and arithmetic as the SQL-paged lists."""

from __future__ import annotations

from hospital_shared.paging import Page


def test_a_page_holds_its_run_of_items_and_the_total_of_all() -> None:
    assert Page.of("abcde", page=2, page_size=2) == Page(["c", "d"], 2, 2, 5)
    assert Page.of("abcde", page=3, page_size=2) == Page(["e"], 3, 2, 5)


def test_a_page_past_the_end_is_empty_but_keeps_the_total() -> None:
    assert Page.of([1, 2], page=5, page_size=20) == Page([], 5, 20, 2)
