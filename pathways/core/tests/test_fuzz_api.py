"""Fuzzing the API against its own OpenAPI schema, with schemathesis.

The schema is the one the API serves at /api/schema/ to a signed-in caller. For every operation
in it, as a programme manager and as an advocate (each with a DRF token, as an integration
would), schemathesis generates requests that follow the schema and requests that break it, and
sends them to the Django application in-process (WSGI). Whatever comes in:

- the API never answers with a server error (5xx): bad input is the caller's problem (4xx);
- a documented answer (200/201) has the shape the schema promises, so a client generated
  from the schema can read it.

Path ids are drawn from the records that exist (the caller's own and other people's), as well
as from anywhere, so the fuzzing reaches the detail pages and actions, not only 404s; bodies
naming a person or a household likewise name real ones some of the time.

Each operation is also sent the request a client would make (creating a record, correcting
a reading, recording evidence...): it must succeed, and its answer must be as documented.

Bounded for CI: a couple of dozen generated requests per operation, derandomised (the same
requests every run), so the whole file takes about a minute on SQLite.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from werkzeug import Client

from pathways.accounts import tokens
from pathways.accounts.services import confirmed_totp_device, current_totp_code
from pathways.accounts.tests.factories import give_authenticator
from pathways.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES = 20  # generated requests per operation (either role), schema-valid and -breaking
METHODS = {"get", "post", "put", "patch", "delete"}
ROLES = ("advocate_k", "programme_manager")


def documented_success(ctx: Any, response: Any, case: Any) -> None:
    """A success must be one the schema lists: a client generated from the schema does not
    expect a 201 where it was promised a 200, nor an empty 204."""
    status = response.status_code
    if 200 <= status < 300 and case.operation.responses.find_by_status_code(status) is None:
        documented = ", ".join(sorted(case.operation.definition.raw.get("responses", {})))
        raise AssertionError(
            f"{case.operation.label} answered {status}; the schema documents {documented}"
        )


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    documented_success,
]

APPLICATION = get_wsgi_application()


def _operations_in_the_code() -> list[str]:
    """Every operation the URL conf gives the schema (the served schema must list the same)."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if method in METHODS
    ]


OPERATIONS = _operations_in_the_code()

_served: dict[str, Any] = {}


def served_schema(token: str) -> Any:
    """The schema as /api/schema/ serves it, loaded once per run (it is the same for everyone)."""
    if "schema" not in _served:
        with in_process():
            _served["schema"] = schemathesis.openapi.from_wsgi(
                "/api/schema/?format=json", APPLICATION, headers={"Authorization": f"Token {token}"}
            )
    return _served["schema"]


# Step-up actions: a client sends a current authenticator code with them (X-Pathways-OTP).
STEP_UP_OPERATIONS = {
    "POST /api/outcomes/{id}/verify/",
    "POST /api/spend-requests/{id}/decide/",
    "POST /api/spend-requests/{id}/pay/",
}


def fresh_code(world: World, operation: str, role: str) -> dict[str, str]:
    if operation not in STEP_UP_OPERATIONS:
        return {}
    user = world.by_name(role)
    device = confirmed_totp_device(user) or give_authenticator(user)
    return {"X-Pathways-OTP": current_totp_code(device)}


def token_for(user: Any) -> str:
    return tokens.issue(user=user, name="fuzzing")


@contextmanager
def in_process() -> Iterator[list[str]]:
    """Around requests sent through the real WSGI handler: yields the tracebacks of exceptions
    the requests raised (Django turns them into a 500 page, so the test would see only the
    status). And, as Django's own test client does, it keeps the database connection open:
    the handler would close it at the start and end of each request, and the test's
    transaction lives on it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    caught: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        caught.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record)
    try:
        yield caught
    finally:
        got_request_exception.disconnect(record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- Records for the fuzzer to find -----------------------------------------------------------

STAR = ("stability", "money", "physical_health", "emotional_wellbeing")
STAR += ("family", "self_esteem", "skills", "work")


def good_body(world: World, resource: str, n: int = 0) -> dict[str, Any] | None:
    """A request body that creates a `resource` in an advocate's household; a different `n`
    makes a different record (another date, name or period of work), not a duplicate."""
    person = world.household_k.members.order_by("pk").first().pk
    household = world.household_k.pk
    return {
        "readings": {
            "person": person,
            "date": f"2018-05-{n + 1:02d}",
            "scores": {code: {"worker": 3, "participant": 4} for code in STAR},
        },
        "activities": {
            "person": person,
            "activity_type": "course",
            "title": f"First aid, part {n}",
            "hours": "6.0",
            "agreed_date": "2018-05-01",
            "due_date": "2018-06-01",
        },
        "onward-referrals": {
            "person": person,
            "date": f"2018-05-{n + 1:02d}",
            "service_type": "debt_advice",
            "organisation": "Money Advice",
        },
        "contacts": {
            "household": household,
            "date": f"2018-05-{n + 1:02d}",
            "method": "phone",
            "notes": "Called",
        },
        "employment-spells": {  # two months of work, none overlapping another n's
            "person": person,
            "start_date": f"2018-{5 + 2 * n:02d}-01",
            "end_date": f"2018-{6 + 2 * n:02d}-28",
            "hours_per_week": "20",
        },
        "spend-requests": {"household": household, "category": "childcare", "amount": "30.00"},
        "people": {
            "household": household,
            "given_name": f"Robin{n}",
            "family_name": "Example",
            "role": "adult",
            "date_of_birth": "1990-01-01",
        },
        "referrals": {
            "programme": world.hiw.code,
            "source": "jobcentre_plus",
            "date": "2018-05-01",
            "referring_organisation": "Huyton Jobcentre",
            "address_line_1": f"{n + 9} Pretend Lane",
            "postcode": "L36 2AB",
            "local_authority": "E08000011",
            "confirm_new": True,
            "members": [
                {
                    "given_name": f"Morgan{n}",
                    "family_name": "Notreal",
                    "role": "primary",
                    "date_of_birth": "1975-06-11",
                    "work_status": "out_of_work",
                }
            ],
        },
    }.get(resource)


def seed(world: World, resource: str, n: int) -> None:
    """A record of `resource` (for outcomes: a spell of work long enough for a job outcome),
    made through the API by the advocate, for the detail pages and actions to work on."""
    body = good_body(world, "employment-spells" if resource == "outcomes" else resource, n)
    if body is None:
        return
    url = "/api/employment-spells/" if resource == "outcomes" else f"/api/{resource}/"
    token = token_for(world.advocate_k)
    with in_process():
        response = Client(APPLICATION).post(
            url, json=body, headers={"Authorization": f"Token {token}"}
        )
    assert response.status_code == 201, (url, response.get_data(as_text=True))


def existing_ids(resource: str) -> list[Any]:
    """Ids (or codes, or names) of every record of `resource`, whoever may see it."""
    from pathways.assessments.models import Reading
    from pathways.audit.models import AuditEvent
    from pathways.budgets.models import Budget, SpendRequest
    from pathways.casework.models import Activity, Contact, OnwardReferral
    from pathways.households.models import Household, Person, Referral
    from pathways.outcomes.models import EmploymentSpell, Outcome
    from pathways.programmes.models import Programme
    from pathways.reporting.tables import TABLES

    if resource == "programmes":
        return sorted(Programme.objects.values_list("code", flat=True))
    if resource == "reports":
        return sorted(TABLES)
    model = {
        "activities": Activity,
        "audit-events": AuditEvent,
        "budgets": Budget,
        "contacts": Contact,
        "employment-spells": EmploymentSpell,
        "households": Household,
        "onward-referrals": OnwardReferral,
        "outcomes": Outcome,
        "people": Person,
        "readings": Reading,
        "referrals": Referral,
        "spend-requests": SpendRequest,
    }.get(resource)
    return sorted(model.objects.values_list("pk", flat=True)) if model else []


def real_references(world: World) -> dict[str, list[Any]]:
    """Values a body or query may name, by field: the caller's own records and others'."""
    return {
        "person": [
            world.household_k.members.order_by("pk").first().pk,
            world.household_l.members.order_by("pk").first().pk,
        ],
        "household": [world.household_k.pk, world.household_l.pk],
        "programme": [world.hiw.code, world.win.code],
        "area": ["E08000011", "E08000012"],
    }


def with_real_references(case: Any, references: dict[str, list[Any]], data: Any) -> Any:
    """Some of the time, name a real person, household, programme or area (a random value
    almost never does, so the request would stop at "no such person")."""
    for container in (case.body, case.query):
        if isinstance(container, dict):
            for field, real in references.items():
                if field in container:
                    container[field] = data.draw(
                        st.sampled_from([container[field], *real]), label=field
                    )
    return case


@dataclass
class Good:
    """A request a client would make that succeeds (for the roles named)."""

    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    roles: tuple[str, ...] = ROLES

    def case(self, operation: Any) -> Any:
        kwargs: dict[str, Any] = {"path_parameters": self.path, "query": self.query}
        if self.body is not None:
            kwargs.update(body=self.body, media_type="application/json")
        return operation.Case(**kwargs)


def good_request(world: World, operation: str, n: int, role: str) -> Good | None:
    """The request of `operation` that succeeds, sent by `role`, on the newest record seed()
    made (`n` as for good_body), if there is one."""
    method, path = operation.split(" ", 1)
    resource = path.split("/")[2]
    if method == "POST" and path == f"/api/{resource}/":
        body = good_body(world, resource, n)
        return Good(body=body) if body is not None else None
    newest = max(existing_ids(resource), default=None)
    # Each role consents and edits someone of its own (the manager: another advocate's case).
    household = world.household_k2 if role == "programme_manager" else world.household_k
    person = household.members.order_by("pk").first()
    return {
        "POST /api/readings/{id}/correct/": Good(
            path={"id": newest},
            body={"scores": {code: {"worker": 4} for code in STAR}, "reason": "Typed wrongly"},
        ),
        "POST /api/outcomes/{id}/evidence/": Good(path={"id": newest}, body={"evidence": "hmrc"}),
        "POST /api/people/{id}/consent/": Good(
            path={"id": person.pk},
            body={"given_on": "2018-04-20"},
        ),
        "POST /api/households/{id}/eligibility/": Good(path={"id": world.household_k.pk}),
        "PATCH /api/households/{id}/": Good(
            path={"id": world.household_k.pk}, body={"town": "Huyton"}
        ),
        "PATCH /api/people/{id}/": Good(path={"id": person.pk}, body={"phone": "0151 000 0000"}),
        "POST /api/spend-requests/{id}/pay/": Good(path={"id": newest}),
        "GET /api/reports/{name}/": Good(
            path={"name": "performance"},
            query={"programme": world.hiw.code},
            roles=("programme_manager",),  # advocates do not read reports
        ),
    }.get(operation)


# --- The tests ---------------------------------------------------------------------------------


def test_the_served_schema_lists_every_operation_the_same_for_everyone(world: World) -> None:
    """The fuzzing below walks the operations the code defines, in the schema served to a
    programme manager; the schema a client downloads must describe exactly those (nothing
    escapes the fuzzing, no client is promised an operation that does not exist), and it
    must be the same whoever downloads it."""
    schema = served_schema(token_for(world.programme_manager))
    served = sorted(
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in METHODS
    )
    assert served == sorted(OPERATIONS)
    assert len(OPERATIONS) > 40
    with in_process():
        as_advocate = Client(APPLICATION).get(
            "/api/schema/?format=json",
            headers={"Authorization": f"Token {token_for(world.advocate_k)}"},
        )
    assert as_advocate.status_code == 200
    assert as_advocate.json == schema.raw_schema


def test_the_schema_is_not_served_without_credentials() -> None:
    with in_process():
        response = Client(APPLICATION).get("/api/schema/?format=json")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_operation_never_fails_and_answers_as_the_schema_says(world: World, operation: str) -> None:
    method, path = operation.split(" ", 1)
    resource = path.split("/")[2]
    headers = {role: {"Authorization": f"Token {token_for(world.by_name(role))}"} for role in ROLES}
    api_operation = served_schema(token_for(world.programme_manager))[path][method]
    statuses: dict[str, set[int]] = {role: set() for role in ROLES}

    def send(case: Any, role: str, extra: dict[str, str] | None = None) -> Any:
        with in_process() as caught:
            response = case.call(headers=headers[role] | (extra or {}))
        if caught:
            pytest.fail(
                f"{operation} as {role} raised on the server:\n"
                f"{case.as_curl_command(headers=headers[role])}\nbody: {case.body!r}\n\n"
                f"{caught[0]}"
            )
        statuses[role].add(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers[role])
        except Exception as error:
            error.add_note(f"(sent as {role})")
            raise
        return response

    for n, role in enumerate(ROLES):
        seed(world, resource, 2 * n)
        good = good_request(world, operation, 2 * n + 1, role)
        if good is not None:
            # The request a client would make: it succeeds, and its answer is as documented.
            made = send(good.case(api_operation), role, fresh_code(world, operation, role))
            if role in good.roles:
                assert 200 <= made.status_code < 300, (role, made.status_code, made.text)

    ids = existing_ids(resource)
    parameter = next((p for p in ("id", "code", "name") if "{" + p + "}" in path), None)
    strategy = st.one_of(
        api_operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        api_operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )
    references = real_references(world)

    # The same requests every run, nothing remembered between runs, and no shrinking (a
    # failure shows the first request that failed, with a curl command to send it again).
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, data=st.data())
    def fuzz(case: Any, data: Any) -> None:
        role = data.draw(st.sampled_from(ROLES), label="role")
        # Half the time, the record in the path is a real one (the caller's or someone else's).
        if parameter and ids and data.draw(st.booleans(), label="a real record"):
            case.path_parameters[parameter] = data.draw(st.sampled_from(ids), label=parameter)
        send(with_real_references(case, references, data), role)

    fuzz()
    # Every request carried a good token: whatever else was wrong with it, the caller was
    # known (a 401 would mean some input knocks the authentication over).
    assert all(401 not in seen for seen in statuses.values()), statuses
