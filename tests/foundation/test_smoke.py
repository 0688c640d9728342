def test_home_lists_public_rounds(client, neighbourhood):
    page = client.get("/").get_data(as_text=True)
    assert "Macclesfield Community Health Fund 2026" in page
    assert "Winter Warmth Fund (draft)" not in page


def test_officer_can_sign_in_and_manage(client, neighbourhood, login):
    login(neighbourhood.users["officer"])
    page = client.get("/manage")
    assert page.status_code == 200
    assert "Winter Warmth Fund (draft)" in page.get_data(as_text=True)
