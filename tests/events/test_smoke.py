from tests.factories import check_in_person


def test_the_pages_render(app, client, sign_in, day):
    hood, round_, proposals, event = day
    done, code = check_in_person(event, hood.users["event_staff"])
    sign_in(hood.users["officer"])
    for url in (f"/rounds/{round_.id}/events", f"/events/{event.id}", f"/events/{event.id}/edit",
                f"/rounds/{round_.id}/events/new", f"/events/{event.id}/desk",
                f"/events/{event.id}/paper", f"/events/{event.id}/paper/enter",
                f"/events/{event.id}/paper/print", f"/events/{event.id}/close",
                f"/events/{event.id}/live", f"/events/{event.id}/report",
                f"/events/{event.id}/report.csv", f"/admin/rounds/{round_.id}/phases",
                f"/admin/rounds/{round_.id}/phases/close-voting",
                f"/api/v1/rounds/{round_.id}/events"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
