"""The request pipeline, listed as data: guards → identify → understand → thread → resolve →
reply.

Each step is a plain function of the context; each writes what it decided into the context,
from which the decision record is made. A step that settles the outcome stops the ones after it,
except rendering, which always runs for whatever the outcome says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.channels import channel_for
from bot.context import Action, Context
from bot.guards import CONTENT_RULES, HEADER_RULES, Rule
from bot.render import render
from bot.resolve import resolve
from bot.resolve.issuer import LinkIssuer
from bot.thread import attach_follow_up
from bot.understand import understand
from core import metrics


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context, LinkIssuer], None]
    always: bool = False  # runs even after an earlier step settled the outcome


def _guards(rules: tuple[Rule, ...]) -> Callable[[Context, LinkIssuer], None]:
    def run(ctx: Context, _issuer: LinkIssuer) -> None:
        for rule in rules:
            reason = rule.check(ctx)
            ctx.guards.append(
                {"rule": rule.name, "verdict": "hold" if reason else "pass", "reason": reason or ""}
            )
            if reason:
                ctx.stop(Action.ignore, handoff=False)
                return

    return run


PIPELINE: tuple[Step, ...] = (
    Step("header_guards", _guards(HEADER_RULES)),
    Step("identify", lambda ctx, _issuer: channel_for(ctx.inbound.channel).identify(ctx)),
    Step("understand", lambda ctx, _issuer: understand(ctx)),
    Step("content_guards", _guards(CONTENT_RULES)),
    Step("thread", attach_follow_up),
    Step("resolve", resolve),
    Step("render", render, always=True),
)


def run_pipeline(ctx: Context, issuer: LinkIssuer) -> None:
    for step in PIPELINE:
        if ctx.stopped and not step.always:
            continue
        with metrics.step_timer(step.name, record=not ctx.dry_run):
            step.run(ctx, issuer)
