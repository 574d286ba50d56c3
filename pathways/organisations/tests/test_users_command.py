"""`pathways users add|import`: the first administrator of an empty database, and many users at
once, all or nothing; `createsuperuser` points to them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP

from pathways.accounts.models import User
from pathways.audit.models import AuditEvent
from pathways.conftest import World, load_programmes
from pathways.core.roles import Role
from pathways.organisations.models import Organisation, Team

FIRST_ADMIN = [
    "add",
    "kay.admin",
    "--role=administrator",
    "--organisation=Knowsley Council",
    "--organisation-type=local_authority",
    "--local-authority=E08000011",
    "--first-name=Kay",
    "--last-name=Admin",
    "--email=kay.admin@knowsley.example",
]


def users(*args: str, capsys) -> str:
    call_command("users", *args)
    return capsys.readouterr().out


def code_for(secret_groups: str) -> str:
    """What an authenticator app shows now for the key the set-up page gives."""
    key = base64.b32decode(secret_groups.replace(" ", "") + "=" * (-len(secret_groups) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.mark.django_db
def test_on_an_empty_database_the_first_administrator_sets_up_and_reaches_their_page(
    capsys, settings
) -> None:
    settings.BASE_URL = "https://pathways.knowsley.example"
    assert not User.objects.exists()
    out = users(*FIRST_ADMIN, capsys=capsys)
    link = re.search(r"https://pathways\.knowsley\.example(/account/set-up/\S+)", out).group(1)
    kay = User.objects.get(username="kay.admin")
    assert kay.role == Role.ADMINISTRATOR and kay.organisation.name == "Knowsley Council"
    assert kay.organisation.type == "local_authority"
    assert kay.organisation.local_authority.code == "E08000011"
    assert AuditEvent.objects.filter(verb="user.created", target_id=str(kay.pk)).exists()

    browser = Client()
    password = "quarry lantern thistle"
    chosen = browser.post(link, {"new_password1": password, "new_password2": password})
    assert chosen["Location"] == "/account/sign-in/"
    signed_in = browser.post("/account/sign-in/", {"username": "kay.admin", "password": password})
    assert signed_in.status_code == 302
    set_up = browser.get("/account/two-factor/set-up/").content.decode()
    secret = re.search(r'class="pathways-secret"[^>]*>([^<]+)<', set_up)
    assert secret, "the set-up page shows the key to type into an app"
    codes = browser.post("/account/two-factor/set-up/", {"code": code_for(secret.group(1))})
    assert "recovery codes" in codes.content.decode().lower()
    home = browser.get("/")
    assert home.status_code == 200
    assert 'href="/organisations/users/"' in home.content.decode()  # the administrator's page
    assert browser.get("/organisations/users/").status_code == 200


@pytest.mark.django_db
def test_a_first_administrator_with_mistakes_changes_nothing(capsys) -> None:
    with pytest.raises(CommandError) as refused:
        users(
            "add", "kay", "--role=administrator", "--organisation=Knowsley Council", capsys=capsys
        )
    message = str(refused.value)
    assert "there is no organisation called 'Knowsley Council'" in message
    assert "first_name (--first-name): Enter a first name" in message
    assert "add --organisation-type" in message
    with pytest.raises(CommandError, match="organisation type: choose one of"):
        users(*FIRST_ADMIN[:4], "--organisation-type=castle", *FIRST_ADMIN[5:], capsys=capsys)
    bad_email = [*FIRST_ADMIN[:-1], "--email=kay at knowsley"]
    with pytest.raises(CommandError, match="Enter an email address like"):
        users(*bad_email, capsys=capsys)
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_once_there_are_users_no_organisation_is_made_from_the_command_line(
    world: World, capsys
) -> None:
    second = [*FIRST_ADMIN[:3], "--organisation=Nowhere Council", *FIRST_ADMIN[4:]]
    second[1] = "someone"
    with pytest.raises(CommandError, match="an administrator adds organisations"):
        users(*second, capsys=capsys)
    assert not Organisation.objects.filter(name="Nowhere Council").exists()


def test_an_advocate_is_added_with_the_pages_rules(world: World, capsys) -> None:
    Team.objects.create(organisation=world.knowsley, name="Advocates")
    out = users(
        "add",
        "nia.new",
        "--role=Employment advocate",
        f"--organisation={world.knowsley.name}",
        "--team=advocates",
        "--first-name=Nia",
        "--last-name=New",
        "--email=nia@knowsley.example",
        capsys=capsys,
    )
    nia = User.objects.get(username="nia.new")
    assert nia.role == Role.ADVOCATE and nia.team.name == "Advocates"
    assert "/account/set-up/" in out and not nia.has_usable_password()
    with pytest.raises(CommandError, match="Only programme managers, evaluators and funders"):
        users(
            "add", "nia.two", "--role=advocate", f"--organisation={world.knowsley.name}",
            "--first-name=N", "--last-name=T", "--email=n@k.example", "--programme=win",
            capsys=capsys,
        )  # fmt: skip


CSV_HEADER = "username,first_name,last_name,email,role,organisation,team,programmes\n"


def test_twenty_six_advocates_are_imported_at_once(world: World, tmp_path: Path, capsys) -> None:
    rows = "".join(
        f"ada{n},Ada{n},Lovelace,ada{n}@knowsley.example,advocate,{world.knowsley.name},,\n"
        for n in range(26)
    )
    pm = "pm2,Pat,Manager,pm2@ca.example,programme_manager,Combined Authority,,households-into-work win\n"
    (tmp_path / "users.csv").write_text(CSV_HEADER + rows + pm)
    out = users("import", str(tmp_path / "users.csv"), capsys=capsys)
    assert "Added 27 users" in out and out.count("/account/set-up/") == 27
    assert User.objects.filter(username__startswith="ada", role=Role.ADVOCATE).count() == 26
    pm2 = User.objects.get(username="pm2")
    assert sorted(pm2.programmes.values_list("code", flat=True)) == ["households-into-work", "win"]


def test_an_import_with_one_bad_row_imports_nothing_and_names_it(
    world: World, tmp_path: Path, capsys
) -> None:
    before = User.objects.count()
    good = f"adv1,Ada,Lovelace,adv1@knowsley.example,advocate,{world.knowsley.name},,\n"
    rows = [
        good,
        f"adv2,Bo,Brown,not-an-address,advocate,{world.knowsley.name},,\n",
        "adv3,Cy,Chan,adv3@x.example,advocate,Atlantis Council,,\n",
        f"advocate-k,Di,Dee,d@x.example,advocate,{world.knowsley.name},,\n",  # taken (world)
        good,
        f"adv4,Ed,Eve,e@x.example,wizard,{world.knowsley.name},,\n",
    ]
    (tmp_path / "users.csv").write_text(CSV_HEADER + "".join(rows))
    with pytest.raises(CommandError) as refused:
        users("import", str(tmp_path / "users.csv"), capsys=capsys)
    message = str(refused.value)
    assert "line 3, email: Enter an email address like name@example.gov.uk" in message
    assert "line 4, organisation: there is no organisation called 'Atlantis Council'" in message
    assert "line 5, username: There is already a user with this username" in message
    assert "line 6, username: adv1 is also on line 2" in message
    assert "line 7, role: Select a valid choice" in message
    assert "line 2" not in message.replace("also on line 2", "")
    assert User.objects.count() == before


def test_a_file_without_the_columns_is_refused(world: World, tmp_path: Path, capsys) -> None:
    (tmp_path / "users.csv").write_text("name,mail\nKay,kay@x.example\n")
    with pytest.raises(CommandError) as refused:
        users("import", str(tmp_path / "users.csv"), capsys=capsys)
    assert "line 1: the file has no column email, first_name" in str(refused.value)
    assert "there is no column called mail, name" in str(refused.value)
    with pytest.raises(CommandError, match="Cannot read"):
        users("import", str(tmp_path / "missing.csv"), capsys=capsys)


@pytest.mark.django_db
def test_createsuperuser_is_refused_with_a_pointer() -> None:
    load_programmes()
    with pytest.raises(CommandError, match="pathways users add USERNAME --role administrator"):
        call_command("createsuperuser", "--noinput", "--username=root")
    assert not User.objects.exists()
