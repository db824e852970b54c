"""Account changes leave an event in the outbox in the same transaction, and the relay puts it on the
account-events stream in order, with the account's version."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import text

from hospital_shared.events import StreamReader

from .conftest import Gateway, create_admin


def outbox(app) -> list[tuple[str, int]]:
    with app.extensions["container"].engine.connect() as connection:
        rows = connection.execute(text("SELECT event_type, version FROM account_outbox ORDER BY id")).all()
    return [(row[0], row[1]) for row in rows]


def test_creating_disabling_enabling_and_changing_role_each_write_an_event_with_the_next_version(
    app, gateway: Gateway, another_browser: Gateway
):
    patient = another_browser.register("ann@example.org").json
    create_admin(app, "root@example.org")
    csrf = gateway.login("root@example.org").json["csrf_token"]
    users = "/api/v1/auth/users/" + patient["id"]

    assert gateway.post(users + "/disable", csrf=csrf).status_code == 200
    assert gateway.post(users + "/enable", csrf=csrf).status_code == 200
    assert gateway.patch(users, json={"role": "doctor"}, csrf=csrf).status_code == 200
    assert gateway.patch(users, json={"role": "doctor"}, csrf=csrf).status_code == 200  # no change

    with app.extensions["container"].engine.connect() as connection:
        ann = connection.execute(
            text(
                "SELECT event_type, version, payload FROM account_outbox WHERE aggregate_id = :id ORDER BY id"
            ),
            {"id": patient["id"]},
        ).all()
        version = connection.execute(
            text("SELECT version FROM users WHERE id = :id"), {"id": patient["id"]}
        ).scalar_one()
    assert [(row[0], row[1]) for row in ann] == [
        ("account.created", 1),
        ("account.disabled", 2),
        ("account.enabled", 3),
        ("account.role_changed", 4),
    ]
    assert version == 4
    assert ann[-1][2]["account"] == {"id": patient["id"], "role": "doctor", "disabled": False}


def test_a_refused_change_writes_no_event(app, gateway: Gateway):
    create_admin(app, "root@example.org")
    me = gateway.login("root@example.org").json
    before = outbox(app)

    refused = gateway.post(f"/api/v1/auth/users/{me['id']}/disable", csrf=me["csrf_token"])

    assert refused.status_code == 403
    assert outbox(app) == before


def test_the_relay_publishes_the_events_to_the_stream_in_order(app):
    container = app.extensions["container"]
    for address in ("ann@example.org", "bob@example.org"):
        assert Gateway(app.test_client()).register(address).status_code == 201

    published = container.relay_runner().run_once()

    events = list(StreamReader(container.redis, container.settings.account_events_stream).replay())
    assert published == 2
    assert [(e.type, e.version, e.payload["account"]["role"]) for e in events] == [
        ("account.created", 1, "patient"),
        ("account.created", 1, "patient"),
    ]
    assert outbox(app) == [("account.created", 1), ("account.created", 1)]


def test_the_account_outbox_backlog_is_on_metrics(client: FlaskClient) -> None:
    body = client.get("/metrics").get_data(as_text=True)

    assert 'hospital_outbox_backlog{outbox="account_outbox"} ' in body
