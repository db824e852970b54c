"""Paging in SQL: one count and one offset/limit on real PostgreSQL, in the caller's order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from hospital_shared.db import make_engine
from hospital_shared.paging import Page, paginate
from hospital_testing import temporary_database


class Base(DeclarativeBase):
    pass


class Ward(Base):
    __tablename__ = "wards"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class Bed(Base):
    __tablename__ = "beds"
    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"))
    label: Mapped[str] = mapped_column(String(40))


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    with temporary_database("paging") as url:
        engine = make_engine(url, pool_size=1)
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add_all([Ward(id=1, name="Cardiology"), Ward(id=2, name="Neurology")])
            session.flush()
            # Labels repeat so that only (label, id) orders the beds totally.
            session.add_all([Bed(id=i, ward_id=1 + i % 2, label=f"bed {i % 3}") for i in range(1, 8)])
            session.commit()
            yield session
        engine.dispose()


def test_a_page_of_entities_follows_the_callers_order_and_counts_every_match(session: Session) -> None:
    beds = select(Bed).order_by(Bed.label, Bed.id)

    pages = [paginate(session, beds, page=n, page_size=3, to_item=lambda bed: bed.id) for n in (1, 2, 3)]

    assert [page.items for page in pages] == [[3, 6, 1], [4, 7, 2], [5]]
    assert [(page.page, page.page_size, page.total) for page in pages] == [(1, 3, 7), (2, 3, 7), (3, 3, 7)]


def test_a_page_past_the_end_of_a_query_is_empty_but_keeps_the_total(session: Session) -> None:
    page = paginate(session, select(Bed).order_by(Bed.id), page=9, page_size=3, to_item=lambda bed: bed.id)

    assert page == Page([], 9, 3, 7)


def test_the_total_counts_only_what_the_filter_lets_through(session: Session) -> None:
    cardiology = select(Bed).where(Bed.ward_id == 1).order_by(Bed.id)

    page = paginate(session, cardiology, page=1, page_size=2, to_item=lambda bed: bed.label)

    assert page == Page(["bed 2", "bed 1"], 1, 2, 3)


def test_a_select_of_one_column_hands_to_item_the_value(session: Session) -> None:
    labels = select(Bed.label).where(Bed.ward_id == 2).order_by(Bed.id)

    page = paginate(session, labels, page=2, page_size=2, to_item=str.upper)

    assert page == Page(["BED 2", "BED 1"], 2, 2, 4)


def test_a_select_of_several_columns_hands_each_row_to_to_item(session: Session) -> None:
    beds_with_wards = select(Bed.id, Ward.name).join(Ward).order_by(Ward.name.desc(), Bed.id)

    page = paginate(session, beds_with_wards, page=1, page_size=2, to_item=lambda row: (row.id, row.name))

    assert page == Page([(1, "Neurology"), (3, "Neurology")], 1, 2, 7)


def test_a_grouped_list_counts_its_groups_not_its_rows(session: Session) -> None:
    per_ward = select(Bed.ward_id, func.count().label("beds")).group_by(Bed.ward_id).order_by(Bed.ward_id)

    page = paginate(session, per_ward, page=1, page_size=10, to_item=tuple)

    assert page == Page([(1, 3), (2, 4)], 1, 10, 2)
