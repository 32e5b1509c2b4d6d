"""`make load`'s users: four roles working the API of `bianban serve` at once (run.py starts locust headless with
this file; LOAD_PLAN names the JSON scenario.prepare wrote, LOAD_OUTCOME where to write what the users saw).

- 业务科室 (office staff, district-wide): registers new persons and enrols them on a few contended lines that
  have only a handful of vacancies between them (a 409 "over quota" refusal is expected, and the person is tried
  again later), releases people it enrolled (which frees a slot for the others), registers ledger problems, and
  reads the lines it fights over, unit details, rosters and the people search. Every staffing answer is checked
  as it arrives: no block-mode line may ever show occupied + reserved above approved.
- 单位联络员 (a liaison bound to the department that owns those lines): its units, rosters, staffing and people;
  edits the phone numbers of its own people (each user its own persons, so the last acknowledged value must be
  the stored one) and registers problems for its units.
- 支部书记 (the secretary of a branch in that department): branch, members, talks, activities, coverage and
  compliance; records talks and plans activities.
- 审阅 (reviewer, district-wide, personal data masked): random units anywhere in the register, their staffing,
  rosters and charters, the ledger, approvals and the office dashboard.
"""

import itertools
import json
import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task
from outcome import Outcome

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
OUTCOME = Outcome()
ON = PLAN["on"]
YEAR = date.fromisoformat(ON).year
HOT = PLAN["hot_lines"]
IDENTITIES = iter(PLAN["identities"])
LIAISON_PERSONS = iter(PLAN["liaison_persons"])
TAGS = itertools.count(1)  # greenlets share one process: next() never yields, so tags are unique
THINK = float(os.environ.get("LOAD_THINK", "0.2"))


@events.request.add_listener
def _observe(request_type: str, name: str, response_time: float, response: Any = None, **_: Any) -> None:
    OUTCOME.observe(name, getattr(response, "status_code", 0) or 0, response_time)


@events.test_stop.add_listener
def _write(environment: Any, **_: Any) -> None:
    total = environment.stats.total  # the measured window: first request to last answer
    OUTCOME.write(os.environ["LOAD_OUTCOME"], window_s=(total.last_request_timestamp or 0) - total.start_time)


class RoleUser(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(THINK / 4, THINK * 1.75)  # mean ≈ THINK seconds between a user's requests

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {PLAN['tokens'][self.role]}"}

    def call(self, method: str, path: str, name: str, body: Any = None) -> tuple[int, Any]:
        """One request; 2xx and the expected 409 count as successes in locust's own table, anything else as a
        failure. Returns the status (0: no answer) and the decoded JSON body (None when there is none)."""
        with self.client.request(method, path, name=f"{method} {name}", json=body, headers=self.auth,
                                 catch_response=True) as response:
            status = response.status_code or 0
            if 200 <= status < 300 or (status == 409 and name == "/api/v1/enrolments"):
                response.success()
            else:
                response.failure(f"HTTP {status}")
            try:
                data = response.json() if status and response.content else None
            except ValueError:
                data = None
        return status, data

    def get(self, path: str, name: str) -> tuple[int, Any]:
        return self.call("GET", path, name)

    def check_staffing(self, data: Any) -> None:
        for line in (data or {}).get("lines", []):
            if line["enforcement"] == "block" and line["occupied"] + line["reserved"] > line["approved"]:
                OUTCOME.violation({"unit": data["unit_id"], "line": line["id"], "approved": line["approved"],
                                   "occupied": line["occupied"], "reserved": line["reserved"]})


class OfficeStaff(RoleUser):
    """业务科室: 入编 and 出编 on the contended lines, 登记人员, 登记问题; reads what it works on."""

    role = "staff"
    weight = 4

    def on_start(self) -> None:
        super().on_start()
        self.pending: list[int] = []  # registered, not yet placed (refused for want of a vacancy)
        self.placed: list[int] = []  # placements this user made and may release

    def register(self) -> int | None:
        ident = next(IDENTITIES, None)
        if ident is None:
            return None
        status, data = self.call("POST", "/api/v1/people", "/api/v1/people",
                                 {"name": ident["name"], "id_number": ident["id_number"], "unit_id": None})
        if status == 201:
            OUTCOME.add("persons", [data["id"], ident["id_number"]])
            return data["id"]
        if status == 0:
            OUTCOME.lost("person", ident["id_number"])
        return None

    @task(4)
    def enrol(self) -> None:
        person = self.pending.pop(0) if self.pending else self.register()
        if person is None:
            return
        line = random.choice(HOT)
        body = {"person": person, "unit": line["unit"], "kind": line["kind"], "funding": line["funding"], "on": ON,
                "document_no": f"负载入〔{YEAR}〕{next(TAGS)}号"}
        status, data = self.call("POST", "/api/v1/enrolments", "/api/v1/enrolments", body)
        if status == 201:
            OUTCOME.add("enrolled", [data["id"], person, line["line"]])
            self.placed.append(data["id"])
        elif status == 409:
            self.pending.append(person)
        elif status == 0:
            OUTCOME.lost("enrol", person)

    @task(2)
    def release(self) -> None:
        if not self.placed:
            return
        placement = self.placed.pop(random.randrange(len(self.placed)))
        body = {"placement": placement, "reason": "RESIGNATION", "on": ON,
                "document_no": f"负载出〔{YEAR}〕{next(TAGS)}号"}
        status, _ = self.call("POST", "/api/v1/releases", "/api/v1/releases", body)
        if status == 200:
            OUTCOME.add("released", placement)
        elif status == 0:
            OUTCOME.lost("release", placement)

    @task(1)
    def problem(self) -> None:
        title = f"负载测试问题（科室）{next(TAGS)}"
        status, data = self.call("POST", "/api/v1/problems", "/api/v1/problems",
                                 {"title": title, "unit_id": random.choice(PLAN["units"]), "deadline_workdays": 20})
        if status == 201:
            OUTCOME.add("problems", [data["id"], title])
        elif status == 0:
            OUTCOME.lost("problem", title)

    @task(3)
    def hot_staffing(self) -> None:
        _, data = self.get(f"/api/v1/units/{random.choice(HOT)['unit']}/staffing", "/api/v1/units/[id]/staffing")
        self.check_staffing(data)

    @task(2)
    def unit_detail(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['units'])}", "/api/v1/units/[id]")

    @task(1)
    def hot_roster(self) -> None:
        self.get(f"/api/v1/units/{random.choice(HOT)['unit']}/roster?limit=50", "/api/v1/units/[id]/roster")

    @task(1)
    def people_search(self) -> None:
        self.get(f"/api/v1/people?unit={PLAN['scope']}&limit=20&offset={random.randrange(200)}", "/api/v1/people")


class UnitLiaison(RoleUser):
    """单位联络员 of the contended department: its units and people; edits its people's phone numbers."""

    role = "liaison"
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.mine = [p for p in itertools.islice(LIAISON_PERSONS, 10)]

    @task(2)
    def units(self) -> None:
        self.get(f"/api/v1/units?parent={PLAN['scope']}&limit=50", "/api/v1/units")

    @task(2)
    def unit_detail(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['scope_units'])}", "/api/v1/units/[id]")

    @task(2)
    def roster(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['scope_units'])}/roster?limit=50", "/api/v1/units/[id]/roster")

    @task(2)
    def staffing(self) -> None:
        _, data = self.get(f"/api/v1/units/{random.choice(PLAN['scope_units'])}/staffing",
                           "/api/v1/units/[id]/staffing")
        self.check_staffing(data)

    @task(1)
    def people(self) -> None:
        self.get(f"/api/v1/people?unit={PLAN['scope']}&limit=20", "/api/v1/people")

    @task(1)
    def edit_phone(self) -> None:
        if not self.mine:
            return
        person = random.choice(self.mine)
        phone = f"139{random.randrange(10**8):08d}"
        status, _ = self.call("PATCH", f"/api/v1/people/{person}", "/api/v1/people/[id]", {"phone": phone})
        if status == 200:
            OUTCOME.phone(person, phone)
        elif status == 0:
            OUTCOME.lost("phone", person)

    @task(1)
    def problem(self) -> None:
        title = f"负载测试问题（联络员）{next(TAGS)}"
        status, data = self.call("POST", "/api/v1/problems", "/api/v1/problems",
                                 {"title": title, "unit_id": random.choice(PLAN["scope_units"]),
                                  "deadline_workdays": 20})
        if status == 201:
            OUTCOME.add("problems", [data["id"], title])
        elif status == 0:
            OUTCOME.lost("problem", title)

    @task(1)
    def ledger(self) -> None:
        self.get(f"/api/v1/problems?unit={random.choice(PLAN['scope_units'])}&limit=20", "/api/v1/problems")


class BranchSecretary(RoleUser):
    """支部书记: the branch's records; records talks and plans activities."""

    role = "secretary"
    weight = 1

    @task(1)
    def branch(self) -> None:
        self.get(f"/api/v1/branches/{PLAN['branch']}", "/api/v1/branches/[id]")

    @task(2)
    def members(self) -> None:
        self.get(f"/api/v1/members?branch={PLAN['branch']}&limit=50", "/api/v1/members")

    @task(1)
    def talks(self) -> None:
        self.get(f"/api/v1/talks?branch={PLAN['branch']}&limit=20", "/api/v1/talks")

    @task(1)
    def activities(self) -> None:
        self.get(f"/api/v1/activities?branch={PLAN['branch']}&limit=20", "/api/v1/activities")

    @task(1)
    def coverage(self) -> None:
        self.get(f"/api/v1/branches/{PLAN['branch']}/talk-coverage", "/api/v1/branches/[id]/talk-coverage")

    @task(1)
    def compliance(self) -> None:
        self.get(f"/api/v1/branches/{PLAN['branch']}/compliance", "/api/v1/branches/[id]/compliance")

    @task(1)
    def talk(self) -> None:
        talker, talked = random.sample(PLAN["members"], 2)
        topic = f"负载测试谈心谈话{next(TAGS)}"
        status, data = self.call("POST", "/api/v1/talks", "/api/v1/talks",
                                 {"branch_id": PLAN["branch"], "kind": "HEART_TO_HEART", "held_on": ON, "topic": topic,
                                  "talker_id": talker, "talked_to_ids": [talked]})
        if status == 201:
            OUTCOME.add("talks", data["id"])
        elif status == 0:
            OUTCOME.lost("talks", topic)

    @task(1)
    def plan_activity(self) -> None:
        topic = f"负载测试主题党日{next(TAGS)}"
        held_on = (date.fromisoformat(ON) + timedelta(days=random.randrange(1, 60))).isoformat()
        status, data = self.call("POST", "/api/v1/activities", "/api/v1/activities",
                                 {"branch_id": PLAN["branch"], "kind": "THEME_DAY", "held_on": held_on,
                                  "topic": topic, "status": "planned"})
        if status == 201:
            OUTCOME.add("activities", data["id"])
        elif status == 0:
            OUTCOME.lost("activities", topic)


class Reviewer(RoleUser):
    """审阅: reads anywhere in the register (personal data masked)."""

    role = "reviewer"
    weight = 2

    @task(1)
    def search(self) -> None:
        self.get(f"/api/v1/units?q={random.choice(['教育', '医院', '卫生', '公安', '街道'])}&limit=20", "/api/v1/units")

    @task(2)
    def unit_detail(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['units'])}", "/api/v1/units/[id]")

    @task(2)
    def staffing(self) -> None:
        _, data = self.get(f"/api/v1/units/{random.choice(PLAN['units'])}/staffing", "/api/v1/units/[id]/staffing")
        self.check_staffing(data)

    @task(1)
    def roster(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['units'])}/roster?limit=20", "/api/v1/units/[id]/roster")

    @task(1)
    def charters(self) -> None:
        self.get(f"/api/v1/units/{random.choice(PLAN['units'])}/charters", "/api/v1/units/[id]/charters")

    @task(1)
    def ledger(self) -> None:
        self.get("/api/v1/problems?limit=20", "/api/v1/problems")

    @task(1)
    def approvals(self) -> None:
        self.get("/api/v1/approvals?limit=20", "/api/v1/approvals")

    @task(1)
    def dashboard(self) -> None:
        self.get("/api/v1/dashboards/office", "/api/v1/dashboards/office")
