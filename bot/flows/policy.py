"""惠民政策: answer the part of the best-matching policy that was asked, and "那我能申请吗"."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import texts
from bot.callbacks import MENU, POLICY, Callback
from bot.dialogue.flow import Flow
from bot.dialogue.turn import Turn
from bot.flows.info import office_call
from bot.policies import render_parts, render_policy_summary, render_source
from bot.policy_index import Hit
from domain.policies import Aspect, Check, Policy, eligibility
from nlu import policy_cues as cues

BUTTONS = (POLICY,)
CONTEXT, CONTEXT_AT = "policy", "policy_at"  # the policy a follow-up is about, and since when
ALL = "all"
LONG_FOLLOW_UP = 40  # characters: a longer message is a new matter, not "要带什么"


def ask(t: Turn) -> None:
    """A policy question in the resident's words: the one best policy, the part they asked."""
    text = t.event.text.strip()
    if not text:
        return browse(t)
    asked = [Aspect(a) for a in cues.aspects(text)]
    qualify_asked = cues.asks_if_qualified(text)
    context = _context(t)
    index = t.app.policies.index(t.uow)
    rules = t.app.config.policy_search
    hits = [h for h in index.search(text) if h.score >= rules.min_score]
    if hits:
        close = [h for h in hits if h.score >= hits[0].score * rules.close_ratio]
        if context is not None and any(h.policy.code == context.code for h in close):
            best = context  # "那低保要带什么" right after 低保: the same one, no need to ask
        elif len(close) > 1:
            return _which(t, close, asked, qualify_asked)
        else:
            best = hits[0].policy
        return qualify(t, best) if qualify_asked else answer(t, best, asked)
    if context is not None and (asked or qualify_asked) and not index.has_words(text):
        return qualify(t, context) if qualify_asked else answer(t, context, asked)
    if not index.has_words(text):
        return browse(t, prompt=texts.POLICY_ASK_WHICH)  # "问个政策": nothing to go on yet
    return _nothing_fits(t, text)


# A confident other intent wins over a follow-up cue (多少, 哪里) in the words.
OTHER_REQUEST = 0.6


def follow_up(t: Turn) -> bool:
    """"要带什么" / "那我能申请吗" right after a policy answer is about that policy; True if answered."""
    if t.event.kind != "text" or t.is_group or t.state.form:
        return False
    context = _context(t)
    text = t.event.text.strip()
    if context is None or not text or len(text) > LONG_FOLLOW_UP:
        return False
    if not (cues.asks_if_qualified(text) or cues.aspects(text)):
        return False
    if t.intent != "ask_policy" and t.confidence >= OTHER_REQUEST:
        return False  # "这个月社区花了多少钱" asks about the ledger, not what the policy pays
    index = t.app.policies.index(t.uow)
    if index.has_words(text):
        hits = index.search(text, limit=1)
        if not hits or hits[0].policy.code != context.code:
            return False  # "水管坏了怎么办", or another policy named: understood as usual
    ask(t)
    return True


def answer(t: Turn, policy: Policy, asked: list[Aspect]) -> None:
    """The parts asked for (or who + what, in two lines), the source, buttons for the rest."""
    if asked:
        body = render_parts(policy, asked)
        if Aspect.APPLY in asked:
            body += "\n" + texts.POLICY_CALL.format(call=office_call(t))
    else:
        body = render_policy_summary(policy)
    rest = [a for a in Aspect if a not in asked and (asked or a in (Aspect.DOCUMENTS, Aspect.APPLY))]
    _remember(t, policy)
    t.say(f"{body}\n{texts.POLICY_MORE}", _buttons(policy, rest))


def qualify(t: Turn, policy: Policy) -> None:
    """Whether the resident appears to qualify, from their tags, age and estate; staff decide."""
    _remember(t, policy)
    resident = t.resident
    if resident is None:
        t.state.contact_asked = True
        t.say(texts.POLICY_BIND_FIRST.format(title=policy.title), request="contact")
        return
    if not resident.verified:
        t.say(texts.POLICY_UNVERIFIED.format(title=policy.title, target=policy.target),
              _buttons(policy, [Aspect.DOCUMENTS, Aspect.APPLY], me=False))
        return
    result = eligibility(policy, resident, t.now.astimezone(t.app.zone).date())
    verdict = result.verdict
    if verdict == "depends":
        lines = [texts.POLICY_QUALIFY_DEPENDS.format(title=policy.title, target=policy.target)]
    elif verdict == "yes":
        lines = [texts.POLICY_QUALIFY_YES.format(title=policy.title)]
    elif verdict == "no":
        lines = [texts.POLICY_QUALIFY_NO.format(
            title=policy.title, reasons=_reasons(t, result.failed, texts.POLICY_QUALIFY_CHECK))]
    else:
        unknown = tuple(c for c in result.checks if c.met is None)
        lines = [texts.POLICY_QUALIFY_UNKNOWN.format(
            title=policy.title, reasons=_reasons(t, unknown, texts.POLICY_QUALIFY_UNKNOWN_CHECK))]
    if verdict == "no":
        lines.append(texts.POLICY_QUALIFY_NO_CAVEAT.format(call=office_call(t)))
    else:
        lines.append(texts.POLICY_QUALIFY_CAVEAT.format(documents=policy.documents))
    lines.append(render_source(policy))
    t.say("\n".join(lines), _buttons(policy, [Aspect.TARGET, Aspect.APPLY], me=False))


def browse(t: Turn, prompt: str = "") -> None:
    """Every policy as a button, those for the resident's tags first (the menu's 惠民政策)."""
    policies = t.app.policies.all(t.uow)
    if not policies:
        t.say(texts.POLICY_LIBRARY_EMPTY.format(call=office_call(t)), texts.MENU_BUTTONS)
        return
    tags = set(t.resident.tags) if t.resident else set()
    mine = [p for p in policies if tags & set(p.tags)]
    ordered = mine + [p for p in policies if p not in mine]
    rows = [[POLICY.button(p.title, "part", p.code, ALL)] for p in ordered]
    rows.append([MENU.button(texts.POLICY_MENU_BUTTON, "menu")])
    t.say(prompt or (texts.POLICY_FOR_YOU if mine else texts.POLICY_LIBRARY), rows)


def on_button(t: Turn, cb: Callback) -> None:
    """A part of a policy, "我能申请吗", or the library list."""
    if cb.action == "list":
        return browse(t)
    policy = t.app.policies.get(t.uow, cb.arg())
    if policy is None:  # removed since the button was sent
        return browse(t, prompt=texts.STALE_BUTTON)
    if cb.action == "me":
        return qualify(t, policy)
    part = cb.arg(1)
    return answer(t, policy, [] if part == ALL else [Aspect(part)] if part in set(Aspect) else [])


def _which(t: Turn, hits: list[Hit], asked: list[Aspect], qualify_asked: bool) -> None:
    """Two policies match about as well: ask which, keeping what was asked in the buttons."""
    part = asked[0].value if asked else ALL
    rows = [[POLICY.button(h.policy.title, "me", h.policy.code) if qualify_asked
             else POLICY.button(h.policy.title, "part", h.policy.code, part)] for h in hits[:3]]
    rows.append([MENU.button(texts.POLICY_MENU_BUTTON, "menu")])
    t.say(texts.POLICY_WHICH, rows)


def _nothing_fits(t: Turn, text: str) -> None:
    """Say so, and offer to pass the question to staff (info's relay files it)."""
    t.state.pending = {"relay": "ask_policy", "text": text}
    t.say(texts.POLICY_NOTHING.format(call=office_call(t)), texts.RELAY_BUTTONS)


def _buttons(policy: Policy, parts: list[Aspect], me: bool = True) -> list[list[tuple[str, str]]]:
    row = [POLICY.button(texts.POLICY_PART_BUTTONS[a.value], "part", policy.code, a.value)
           for a in parts]
    last = [POLICY.button(texts.POLICY_ME_BUTTON, "me", policy.code)] if me else []
    last.append(MENU.button(texts.POLICY_MENU_BUTTON, "menu"))
    return [row[i:i + 2] for i in range(0, len(row), 2)] + [last]


def _remember(t: Turn, policy: Policy) -> None:
    t.state.pending = {CONTEXT: policy.code, CONTEXT_AT: t.now.isoformat()}


def _context(t: Turn) -> Policy | None:
    """The policy of the last answer, while it is fresh (as long as an idle form lives)."""
    code, at = t.state.pending.get(CONTEXT), t.state.pending.get(CONTEXT_AT)
    if not isinstance(code, str) or not isinstance(at, str):
        return None
    try:
        since = datetime.fromisoformat(at)
    except ValueError:
        return None
    if t.now - since > timedelta(minutes=t.app.config.dialogue.form_timeout_minutes):
        return None
    return t.app.policies.get(t.uow, code)


def _reasons(t: Turn, checks: tuple[Check, ...], templates: dict[str, str]) -> str:
    names = {e.code: e.name for e in t.app.config.estates}
    parts = []
    for c in checks:
        wanted = c.wanted
        if c.kind == "estate":
            wanted = "、".join(names.get(code, code) for code in wanted.split("、"))
        parts.append(templates[c.kind].format(wanted=wanted))
    return texts.POLICY_QUALIFY_JOIN.join(parts)


FLOW = Flow(name="policy", intents={"ask_policy": ask}, buttons=BUTTONS, on_button=on_button,
            on_any_text=follow_up)
