"""Places and travel settings through the PlaceAdmin use case, stored in Azurite: validated, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.domain.errors import InvalidInput, NotFound
from tests.integration.travel.conftest import USER, Stack


def test_places_resolve_by_name_address_and_alias_and_are_listed_home_first(travel_stack: Stack) -> None:
    view = travel_stack.admin.list(USER)
    assert [p.name for p in view.places] == ["Home", "Office", "Contoso HQ", "Fabrikam Plant"]
    places = travel_stack.places.load(USER)
    assert {places.resolve(text).name for text in ("Contoso HQ", "contoso hq, slough", " Contoso  Slough ")} == {
        "Contoso HQ"}
    assert places.resolve("Somewhere else").kind == "named"
    assert view.settings.out_of_office is True and view.settings.default_minutes == 30


def test_changes_are_audited_and_removal_is_final(travel_stack: Stack) -> None:
    travel_stack.admin.remove(USER, "Fabrikam Plant", by="megan")
    assert travel_stack.places.load(USER).named("Fabrikam Plant") is None
    with pytest.raises(NotFound):
        travel_stack.admin.remove(USER, "Fabrikam Plant", by="megan")
    resources = [e.resource for e in travel_stack.audit.query(USER, action="travel").items]
    assert "places/Fabrikam Plant" in resources and "places/Home" in resources


@pytest.mark.parametrize(("call", "field"), [
    (lambda s: s.admin.add_place(USER, {"name": "", "address": "x"}, by="t"), "name"),
    (lambda s: s.admin.add_place(USER, {"name": "Site", "aliases": ["contoso slough"]}, by="t"), "aliases"),
    (lambda s: s.admin.add_place(USER, {"name": "Site", "colour": "red"}, by="t"), "colour"),
    (lambda s: s.admin.add_place(USER, {"name": "home"}, by="t"), "name"),
    (lambda s: s.admin.set_home(USER, "", by="t"), "address"),
    (lambda s: s.admin.set_home("not-a-mailbox", "1 Road", by="t"), "user"),
    (lambda s: s.admin.set_settings(USER, {"default_minutes": 1}, by="t"), "default_minutes"),
    (lambda s: s.admin.set_settings(USER, {"timezone": "Mars/Olympus"}, by="t"), "timezone"),
    (lambda s: s.admin.set_settings(USER, {"start_places": {"funday": "Home"}}, by="t"), "start_places"),
    (lambda s: s.admin.set_settings(USER, {"end_places": {"friday": "Moon"}}, by="t"), "end_places.friday"),
    (lambda s: s.planner.plan(USER, []), "days"),
    (lambda s: s.planner.list_alerts(USER, dt.date(2030, 1, 2), dt.date(2030, 1, 1)), "to"),
])
def test_bad_input_is_invalid_input_naming_the_field(travel_stack: Stack, call: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        call(travel_stack)  # type: ignore[operator]
    assert caught.value.field == field


def test_weekday_start_place_is_kept_and_used(travel_stack: Stack) -> None:
    travel_stack.admin.set_settings(USER, {"start_places": {"monday": "Office"}, "timezone": "Europe/London"},
                                    by="t")
    places = travel_stack.places.load(USER)
    assert places.day_start(0).name == "Office" and places.day_end(0).name == "Home"
    assert places.settings.timezone == "Europe/London"
