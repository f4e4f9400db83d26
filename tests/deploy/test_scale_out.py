"""Two web processes and three workers against one PostgreSQL, through the whole loop.

Requests arrive by IMAP and by SMTP intake, are decided by whichever worker claims them, every
reply leaves once, and a customer who opens the link in a reply on one web process goes on on
the other: the session lives in the database, not in a process.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from core.demo.generate import DemoSpec
from core.demo.load import load_demo
from core.migrate import upgrade
from tests.faults.account import tally
from tests.faults.feed import Feeder
from tests.support.ap_requests import ap_requests
from tests.support.deployment import (
    AR,
    Visitor,
    deployment,
    link_tokens,
    running,
    wait_settled,
    web,
)

REQUESTS = 60
SIGNED_IN = 'action="/logout"'  # the sign-out form, in whatever language the page is
TODAY = date.today()


def test_two_web_processes_and_three_workers_answer_every_request_once(tmp_path: Path):
    with deployment(tmp_path) as stack:
        upgrade(stack.db.engine)
        load_demo(stack.db, DemoSpec(accounts=6, invoices_per_account=8, seed=3, as_of=TODAY))
        batch = ap_requests(stack.db, REQUESTS, random.Random(5), "scale")
        with web(stack), running(stack, workers=3) as fleet:
            feeder = Feeder(stack.dovecot, stack.intake_port, batch, rate=10.0)
            feeder.run()
            assert wait_settled(stack.db, timeout=300, stored=REQUESTS), "not done in 5 minutes"
            assert {name: fleet.roles[name].starts for name in fleet.names("worker")} == {
                "worker-1": 1, "worker-2": 1, "worker-3": 1,
            }  # fmt: skip
            result = tally(stack.db, feeder.fed, stack.smtp.messages, AR)
            assert result.fed == REQUESTS
            assert result.lost == 0 and result.duplicates == 0 and result.in_doubt == 0, result
            assert result.answered + result.handed_off == REQUESTS
            assert result.answered > REQUESTS // 2, result  # most are answered by the bot

            followed = link_tokens(stack.smtp.messages)[:6]
            assert len(followed) == 6, "too few replies carry a link"
            first, second = stack.web_ports
            for index, (_, token) in enumerate(followed):
                opened_on, then_on = (first, second) if index % 2 == 0 else (second, first)
                visitor = Visitor()
                landing = visitor.follow_link(opened_on, token)
                status, _, page = visitor.request(then_on, "GET", landing)
                assert status == 200 and SIGNED_IN in page, (status, landing)
                # Without the session cookie the other process shows nothing of it.
                assert Visitor().request(then_on, "GET", landing)[0] != 200
