"""A household is placed in the LSOA its postcode lies in (the loaded postcode directory) when it
is referred, when it moves and when it is imported; an LSOA given outright is kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from pathways.areas.loaders.postcodes import load_postcodes
from pathways.areas.loaders.shipped import load_shipped
from pathways.areas.models import Postcode
from pathways.audit.models import AuditEvent
from pathways.conftest import World, load_programmes
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household
from pathways.households.records import update_household
from pathways.households.tests.helpers import refer

FIXTURES = Path(__file__).parent / "fixtures"


def generated(tmp_path: Path, **settings: int) -> tuple[Path, Path, list[dict[str, str]]]:
    """A made-up bundle: its folder, its households.csv and that file's rows."""
    load_programmes()
    folder = tmp_path / "bundle"
    generate(folder, Settings(**settings))
    path = folder / "households.csv"
    return folder, path, list(csv.DictReader(path.open(newline="")))


def rewrite_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def directory(db: object) -> None:
    load_shipped()
    with (FIXTURES / "postcodes.csv").open("rb") as stream:
        load_postcodes(stream, "postcodes.csv")


def test_a_referral_is_placed_by_its_postcode(world: World, directory: None) -> None:
    household = refer(world.advocate_k, world.hiw, postcode="l36 9ge")
    assert household.lsoa == "E01006413"
    given = refer(world.advocate_k, world.hiw, postcode="L36 9GE", lsoa="E01006412")
    assert given.lsoa == "E01006412"
    unknown = refer(world.advocate_k, world.hiw, postcode="L36 1XX")
    assert unknown.lsoa == ""


def test_households_referred_before_the_directory_was_loaded_are_placed_by_the_command(
    world: World,
) -> None:
    load_shipped()
    household = refer(world.advocate_k, world.hiw, postcode="L36 9GE")
    assert household.lsoa == ""
    with (FIXTURES / "postcodes.csv").open("rb") as stream:
        load_postcodes(stream, "postcodes.csv")
    known = Postcode.objects.values("key")
    expected = Household.objects.filter(lsoa="", postcode_key__in=known).count()
    assert expected >= 1  # this one, and any of the world's with a postcode in the fixture
    out = io.StringIO()
    call_command("place_households", stdout=out)
    assert f"{expected} households placed" in out.getvalue()
    assert not Household.objects.filter(lsoa="", postcode_key__in=known).exists()
    assert Household.objects.get(pk=household.pk).lsoa == "E01006413"
    assert AuditEvent.objects.filter(verb="household.placed").count() == 1


def test_a_move_places_the_household_again(world: World, directory: None) -> None:
    household = refer(world.advocate_k, world.hiw, postcode="L36 9GE")
    update_household(actor=world.advocate_k, household=household, changes={"postcode": "L24 1AA"})
    assert Household.objects.get(pk=household.pk).lsoa == "E01006547"
    # As the page sends it: every field, the LSOA as it was.
    household.refresh_from_db()
    update_household(
        actor=world.advocate_k,
        household=household,
        changes={"postcode": "L36 9GE", "lsoa": household.lsoa},
    )
    assert Household.objects.get(pk=household.pk).lsoa == "E01006413"
    # A move to a postcode the directory does not know: the old LSOA is not where they live.
    update_household(actor=world.advocate_k, household=household, changes={"postcode": "L36 1XX"})
    assert Household.objects.get(pk=household.pk).lsoa == ""
    # A change of something else leaves the LSOA alone.
    update_household(
        actor=world.advocate_k,
        household=household,
        changes={"postcode": "L24 1AB", "lsoa": "E01006548"},
    )
    assert Household.objects.get(pk=household.pk).lsoa == "E01006548"


def test_an_import_places_households_without_an_lsoa(tmp_path: Path, directory: None) -> None:
    folder, path, rows = generated(tmp_path, households=6, seed=3)
    rows[0].update(postcode="L24 1AB", lsoa="")
    rows[1].update(postcode="WA10 1AA", lsoa="E01006412")  # given: kept
    rows[2].update(postcode="EH1 1ZZ", lsoa="")  # Scotland: not placed
    rewrite_rows(path, rows)
    import_bundle(folder)
    placed = dict(Household.objects.values_list("reference", "lsoa"))
    assert placed[rows[0]["household_ref"]] == "E01006547"
    assert placed[rows[1]["household_ref"]] == "E01006412"
    assert placed[rows[2]["household_ref"]] == ""


def test_an_import_that_moves_a_household_places_it_again(tmp_path: Path, directory: None) -> None:
    folder, path, rows = generated(tmp_path, households=3, seed=5)
    rows[0].update(postcode="L36 9GE", lsoa="")
    rewrite_rows(path, rows)
    import_bundle(folder)
    reference = rows[0]["household_ref"]
    assert Household.objects.get(reference=reference).lsoa == "E01006413"
    rows[0].update(postcode="L24 1AA")  # the same bundle again, the household moved
    rewrite_rows(path, rows)
    import_bundle(folder)
    moved = Household.objects.get(reference=reference)
    assert (moved.postcode, moved.postcode_key, moved.lsoa) == ("L24 1AA", "L241AA", "E01006547")
