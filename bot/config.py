"""Configuration: config.yaml validated by pydantic, secrets and overrides from the environment."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.bookings import Service

DEFAULT_CONFIG = "config.yaml"
StaffRole = Literal["网格员", "社工", "书记", "admin"]


class ConfigError(Exception):
    """A config problem, said in one line naming the key path."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OfficeHours(_Model):
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    start: time = time(8, 30)
    end: time = time(17, 30)
    # Public holidays and 调休 make-up days come from the `chinesecalendar` package; these
    # lists add to it or override it (a year it does not cover yet, a local day off).
    chinese_calendar: bool = True
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)

    @field_validator("weekdays")
    @classmethod
    def _iso_weekdays(cls, v: list[int]) -> list[int]:
        if not v or any(d < 1 or d > 7 for d in v):
            raise ValueError("weekdays are ISO numbers 1 (Monday) to 7 (Sunday)")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> OfficeHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"{both[0]} is listed both as a holiday and as a working day")
        return self


class Office(_Model):
    """The community office residents can call or visit."""

    phone: str = Field(min_length=3)
    address: str = ""
    hours: str = ""  # as residents read it: 工作日 8:30–17:30


class Outbox(_Model):
    # Tries before a message is marked failed (kept for staff: `cunshe outbox failed`).
    max_attempts: int = Field(default=8, ge=1, le=100)
    # Chats sent to at once (each chat's messages stay in order): enough for 1,000/s.
    concurrency: int = Field(default=32, ge=1, le=512)
    # Several workers on PostgreSQL: a worker holds the rows it is sending this long (renewed
    # while it sends); a killed worker's rows go to another worker after at most this.
    lease_seconds: float = Field(default=15.0, ge=1, le=600)


class Community(_Model):
    # Every record carries it; a community file's `code` (communities/*.yaml) sets it there.
    code: str = Field(default="default", pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    name: str = Field(min_length=1)
    district: str = ""
    timezone: str = "Asia/Shanghai"
    staff_chat_id: int
    office_hours: OfficeHours = OfficeHours()
    office: Office | None = None


class Database(_Model):
    url: str = "sqlite:///var/cunshe.db"
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"


class Webhook(_Model):
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    url: str | None = None
    # Telegram sends it in a header with every update, so forged posts are refused.
    secret_token: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")


class Telegram(_Model):
    token: str | None = None  # only from the environment or the secrets file
    base_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook: Webhook = Webhook()
    concurrent_updates: int = Field(default=32, ge=1, le=1024)
    connection_pool_size: int = Field(default=40, ge=1, le=1024)
    # Turns run in these threads; a chat waiting on the database holds one, so a few slow
    # chats leave the rest for everyone else (turns are mostly I/O waits, not CPU).
    engine_threads: int = Field(default=8, ge=1, le=64)
    # Messages a second the bot sends across all chats (Telegram: about 30 free; up to 1,000
    # with paid broadcasts; 0 = no limit, for a local Bot API server). Answers go first.
    rate_limit_per_second: float = Field(default=30.0, ge=0, le=1000)
    # Above 30 a second Telegram charges Stars for bulk pushes (allow_paid_broadcast).
    paid_broadcasts: bool = False

    @model_validator(mode="before")
    @classmethod
    def _old_rate_key(cls, data: Any) -> Any:
        # `overall_rate` was this key's name until the priority limiter: still read.
        if isinstance(data, dict) and "overall_rate" in data:
            data = dict(data)
            old = data.pop("overall_rate")
            data.setdefault("rate_limit_per_second", old)
        return data

    @model_validator(mode="after")
    def _paid_above_30(self) -> Telegram:
        if self.rate_limit_per_second > 30 and not self.paid_broadcasts:
            raise ValueError("rate_limit_per_second above 30 needs paid_broadcasts: true "
                             "(Telegram allows about 30 messages a second without them)")
        return self


class Nlu(_Model):
    backend: Literal["builtin", "rasa"] = "builtin"
    rasa_url: str | None = None
    rasa_timeout_seconds: float = Field(default=2.0, gt=0, le=30)


class Dialogue(_Model):
    form_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Telegram: texts of one chat closer together than this are one message (0 = off).
    burst_gap_seconds: float = Field(default=2.0, ge=0, le=30)


class Sla(_Model):
    accept_working_hours: float = Field(default=4, gt=0)
    resolve_days: float = Field(default=3, gt=0)
    escalate_after_reminders: int = Field(default=1, ge=0)
    urgent_accept_minutes: float = Field(default=30, gt=0)  # emergencies: real minutes, any day


class ReportCategory(_Model):
    code: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)


class Reports(_Model):
    number_prefix: str = Field(default="BS", pattern=r"^[A-Z]{1,4}$")
    reopen_days: int = Field(default=7, ge=0)
    duplicate_days: int = Field(default=7, ge=0)
    sla: Sla = Sla()
    digest_time: time = time(8, 30)
    categories: list[ReportCategory] = Field(min_length=1)


class Estate(_Model):
    code: str
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    grid: str
    buildings: int = Field(default=1, ge=1)
    lat: float | None = Field(default=None, ge=-90, le=90)  # WGS-84, for the nearest shelters
    lon: float | None = Field(default=None, ge=-180, le=180)


class Grid(_Model):
    code: str
    name: str
    chat_id: int | None = None


class StaffEntry(_Model):
    code: str
    name: str
    role: StaffRole
    user_id: int | None = None
    grids: list[str] = Field(default_factory=list)


class CityStaffEntry(_Model):
    """A 街道/镇, 区 or city (市) staff member: sees every community below them (config.yaml only)."""

    code: str
    name: str
    level: Literal["街道", "区", "市"]
    reach: str = ""  # the 街道 or 区 as the community files' `street` / `district` spell it
    user_id: int | None = None
    role: StaffRole | None = None  # what they may do; a 市 account without one only looks
    read_only: bool | None = None  # default: read-only exactly when no role is given

    @model_validator(mode="after")
    def _level(self) -> CityStaffEntry:
        if self.level == "市" and self.reach:
            raise ValueError("reach: city (市) staff reach every community; leave it out")
        if self.level != "市" and not self.reach.strip():
            raise ValueError(f"reach: name the {self.level} (as the community files spell it)")
        if self.level != "市" and self.role is None and self.read_only is not True:
            raise ValueError(f"role: a {self.level} staff member acts with a role "
                             "(书记, 社工, admin), or set read_only: true")
        return self

    @property
    def view_only(self) -> bool:
        """Whether this account may only look (explicitly, or a role was not given)."""
        return self.read_only if self.read_only is not None else self.role is None


class ServiceSettings(_Model):
    """How a service is booked; unset fields come from its group, then `bookings.defaults`."""

    provider_chat: int | None = None  # the staff or partner chat told of each booking
    place: str | None = None  # 上门, or a service point's name
    duration_minutes: int | None = Field(default=None, ge=10, le=480)
    price: int | None = Field(default=None, ge=0)  # 元; 0 when free
    subsidy: str | None = None  # which subsidy may pay for it (居家养老服务补贴)
    capacity: int | None = Field(default=None, ge=1)  # visits per slot
    weekdays: list[int] | None = None
    start: time | None = None
    end: time | None = None
    notice_hours: int | None = Field(default=None, ge=0)
    horizon_days: int | None = Field(default=None, ge=1, le=90)
    prepare: list[str] | None = None

    @field_validator("weekdays")
    @classmethod
    def _iso_weekdays(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (not v or any(d < 1 or d > 7 for d in v)):
            raise ValueError("weekdays are ISO numbers 1 (Monday) to 7 (Sunday)")
        return v


class ServiceItem(ServiceSettings):
    code: str = Field(pattern=r"^[A-Za-z0-9_]{1,16}$")  # fits in a button
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class ServiceGroup(ServiceSettings):
    group: str
    items: list[ServiceItem] = Field(min_length=1)


class Services(_Model):
    affairs: list[ServiceGroup] = Field(default_factory=list)
    care: list[ServiceGroup] = Field(default_factory=list)


class Bookings(_Model):
    """Bookings of catalogue services: reminders, the quality check, defaults for every service."""

    reminder_time: time = time(18, 0)  # local, the day before the visit
    quality_check_days: int = Field(default=3, ge=1, le=30)
    defaults: ServiceSettings = ServiceSettings()


class SealField(_Model):
    """One thing a certificate needs beyond the roster record: asked in the chat, one at a time."""

    key: str = Field(pattern=r"^[a-z_]{1,24}$")
    label: str = Field(min_length=1)  # 户籍地
    ask: str = Field(min_length=1)  # the question: 您的户籍地是哪里？


class SealTemplate(_Model):
    """A certificate kind (证明模板): what to collect, who may ask, who approves, the wording."""

    code: str = Field(pattern=r"^[a-z_]{1,16}$")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)  # how residents name it
    fields: list[SealField] = Field(default_factory=list)
    requesters: list[Literal["resident", "staff"]] = Field(default_factory=lambda: ["resident", "staff"])  # type: ignore[arg-type]
    approvers: list[StaffRole] = Field(default_factory=lambda: ["书记"], min_length=1)  # type: ignore[arg-type]
    days: float = Field(default=2, gt=0)  # working days from request to decision (SLA)
    # Placeholders: {name} {id_number} {address} {purpose} {used_at} {community} and field keys.
    text: str = Field(min_length=1)

    @model_validator(mode="after")
    def _placeholders(self) -> SealTemplate:
        known = {"name", "id_number", "address", "purpose", "used_at", "community"}
        known |= {f.key for f in self.fields}
        for ph in re.findall(r"{(\w+)}", self.text):
            if ph not in known:
                raise ValueError(f"text: unknown placeholder {{{ph}}}")
        return self


class Seals(_Model):
    """云盖章: where the signing keys live, the verification page, its rate limit."""

    number_prefix: str = Field(default="ZM", pattern=r"^[A-Z]{1,4}$")
    verify_base_url: str = "http://127.0.0.1:8088/v/"  # the QR code opens verify_base_url + CODE
    page_listen: str = "127.0.0.1"
    page_port: int | None = Field(default=8088, ge=1, le=65535)  # None: no page server
    ca_dir: str = "var/seal-ca"  # created on first run, outside the repository
    key_file: str | None = None  # district-issued signing key (PEM) instead of the local CA
    cert_file: str | None = None  # its certificate (PEM)
    chain_files: list[str] = Field(default_factory=list)  # issuing CA certificates (PEM), trusted
    font_file: str | None = None  # a TrueType CJK font; default: the first Debian font found
    verify_per_minute: int = Field(default=10, ge=1, le=1000)  # checks per client and minute


class Web(_Model):
    """The public pages' server (/v/CODE): whose client-address headers are believed."""

    # Reverse proxies (addresses or CIDRs) whose X-Forwarded-For / X-Real-IP name the real client.
    # Empty: no header is believed, every request is its peer's (a header anyone can forge).
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        import ipaddress

        for item in v:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR") from None
        return v


class Shelter(_Model):
    code: str
    name: str
    address: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    capacity: int = Field(ge=0)
    open: bool = True  # closed shelters are never offered
    area: str = ""  # the estate or area it serves


class Alerts(_Model):
    """预警: who may send one from the staff chat, and where a resident is taken to be."""

    staff_roles: list[StaffRole] = Field(default_factory=lambda: ["书记", "admin"], min_length=1)  # type: ignore[arg-type]
    # Shown under warnings staff type in; default: the community's own 居委会 (A社区居委会).
    source: str = ""
    # A location shared within this many hours counts over the home estate (where they are now).
    location_fresh_hours: int = Field(default=24, ge=0)
    kdtree_from: int = Field(default=16, ge=1)  # from this many open shelters on, use the KD-tree


class EmergencyNumber(_Model):
    name: str = Field(min_length=1)  # 火警, 急救, 燃气抢修 …
    number: str = Field(pattern=r"^[0-9][0-9-]{2,15}$")


def _numbers(*pairs: tuple[str, str]) -> Any:
    return Field(default_factory=lambda: [EmergencyNumber(name=n, number=x) for n, x in pairs],
                 min_length=1)


class Emergency(_Model):
    """Per emergency kind (as the NLU names them): the numbers to call, first the main one."""

    gas: list[EmergencyNumber] = _numbers(("燃气抢修", "96777"), ("火警", "119"))
    fire: list[EmergencyNumber] = _numbers(("火警", "119"))
    smoke: list[EmergencyNumber] = _numbers(("火警", "119"))
    lift_trapped: list[EmergencyNumber] = _numbers(("电梯困人", "96333"), ("火警", "119"))
    injury: list[EmergencyNumber] = _numbers(("急救", "120"))
    flooding: list[EmergencyNumber] = _numbers(("报警求助", "110"))


class Policy(_Model):
    """One policy of the library as config gives it (staff add more with `cunshe policies add`)."""

    code: str = Field(pattern=r"^[A-Za-z0-9_]{1,16}$")
    title: str = Field(min_length=1)
    target: str = Field(min_length=1)  # 对象: who it is for
    benefit: str = Field(min_length=1)  # 内容/标准: what you get
    documents: str = Field(min_length=1)  # 材料: what to bring
    apply: str = Field(min_length=1)  # 办理: where and how
    issuer: str = Field(min_length=1)  # 发文单位
    issued_on: date = Field(alias="date")  # 发文日期
    source: str = Field(min_length=1)  # 文号 or URL
    tags: list[str] = Field(default_factory=list)  # resident tags it targets (any of them)
    min_age: int | None = Field(default=None, ge=0, le=150)
    max_age: int | None = Field(default=None, ge=0, le=150)
    estates: list[str] = Field(default_factory=list)  # estate codes; empty = everyone
    keywords: list[str] = Field(default_factory=list)  # how residents name it (低保, 高龄)


class Ratings(_Model):
    """物业评价 / 业委会评价: a rating at or below `alert_at` stars goes to the staff chat."""

    alert_at: int = Field(default=2, ge=0, le=5)


class Volunteers(_Model):
    """志愿者: the skills offered as buttons (其他 lets a volunteer type their own)."""

    skills: list[str] = Field(default_factory=lambda: ["陪伴老人", "代买代办", "维修", "教电脑手机",
                                                       "巡逻", "其他"], min_length=1, max_length=20)


class PolicySearch(_Model):
    """How sure retrieval must be before it answers (BM25 scores over the library)."""

    min_score: float = Field(default=1.0, gt=0)  # below: "nothing fits", offer staff
    close_ratio: float = Field(default=0.8, gt=0, le=1)  # runner-up this close: ask which


def _check_policies(cfg: AppConfig) -> None:
    """Policy codes are unique; their tags and estates are ones the community has."""
    codes = [p.code for p in cfg.policies]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValueError(f"policies: duplicate code {dupes[0]!r}")
    estates, tags = {e.code for e in cfg.estates}, set(cfg.resident_tags)
    for i, p in enumerate(cfg.policies):
        for e in p.estates:
            if e not in estates:
                raise ValueError(f"policies.{i}.estates: unknown estate {e!r}")
        for tag in p.tags:
            if tags and tag not in tags:
                raise ValueError(f"policies.{i}.tags: unknown tag {tag!r}")
# --- push ---
class PushTargets(_Model):
    """Who a push is for; empty means every subscribed, verified resident."""

    tags: list[str] = Field(default_factory=list)
    estates: list[str] = Field(default_factory=list)
    min_age: int | None = Field(default=None, ge=0, le=150)
    max_age: int | None = Field(default=None, ge=0, le=150)


WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_fields(expr: str) -> dict[str, str]:
    """A standard crontab line as APScheduler CronTrigger fields.

    Why not `CronTrigger.from_crontab`: APScheduler 3 counts weekdays from Monday = 0, so a
    standard "0 9 * * 1" (Monday) would run on Tuesday. Weekday numbers become names here.
    """
    parts = expr.split()
    if len(parts) != 5:
        raise ValueError("a cron line has 5 fields: minute hour day month weekday")
    minute, hour, day, month, weekday = parts
    # A range from Sunday (0-5) does not exist Monday-first: Sunday plus Monday onwards.
    weekday = re.sub(r"(?<![/\d])0-([1-7])(?!\d)", r"0,1-\1", weekday)
    weekday = re.sub(r"(?<![/\d])[0-7](?!\d)", lambda m: WEEKDAYS[int(m.group())], weekday)
    return {"minute": minute, "hour": hour, "day": day, "month": month, "day_of_week": weekday}


class PushSchedule(_Model):
    """A push sent on a cron expression (minute hour day month weekday, community time)."""

    cron: str
    policy: str | None = None  # a policy code, or a title and text
    title: str | None = None
    text: str | None = None
    topic: Literal["政策", "通知", "预警"] | None = None
    targets: PushTargets = PushTargets()

    @model_validator(mode="after")
    def _valid(self) -> PushSchedule:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger(**cron_fields(self.cron))
        except ValueError as exc:
            raise ValueError(f"cron {self.cron!r}: {exc}") from None
        if not self.policy and not (self.title and self.text):
            raise ValueError("give a policy code, or a title and a text")
        return self


class Pushes(_Model):
    """Scheduled pushes and how a run missed while the bot was down is handled."""

    schedules: list[PushSchedule] = Field(default_factory=list)
    # A run missed while down still fires (once) if the bot is back within this time.
    misfire_grace_seconds: int = Field(default=3600, ge=1)
    # How often a staff member's progress message is edited while a push is running.
    progress_seconds: int = Field(default=5, ge=1, le=300)
# --- ledger (公开之栏) ---
class PublicBoard(_Model):
    # Roles that may publish notices, ledger lines and project updates (from the CLI or the chat).
    publisher_roles: list[StaffRole] = Field(default_factory=lambda: ["书记", "社工", "网格员"])  # type: ignore[arg-type]
    page_lines: int = Field(default=10, ge=4, le=30)  # lines per page residents read on a phone
    # Sample notices/ledger/projects, written once into an empty board (relative: to the config file).
    sample_file: str | None = None


class AppConfig(_Model):
    """The whole validated configuration; `raw` keeps the YAML mapping for NLU lexicons."""

    sample: bool = False
    community: Community
    database: Database = Database()
    secrets_file: str | None = None
    secret_key: str | None = None  # only from the environment or the secrets file
    telegram: Telegram = Telegram()
    nlu: Nlu = Nlu()
    dialogue: Dialogue = Dialogue()
    outbox: Outbox = Outbox()
    reports: Reports
    estates: list[Estate] = Field(min_length=1)
    grids: list[Grid] = Field(min_length=1)
    staff: list[StaffEntry] = Field(default_factory=list)
    city_staff: list[CityStaffEntry] = Field(default_factory=list)  # 街道/区/市 (config.yaml only)
    services: Services = Services()
    bookings: Bookings = Bookings()
    seal_templates: list[SealTemplate] = Field(default_factory=list)
    seals: Seals = Seals()
    web: Web = Web()
    shelters: list[Shelter] = Field(default_factory=list)  # seeds the database's shelters
    alerts: Alerts = Alerts()
    emergency: Emergency = Emergency()
    policies: list[Policy] = Field(default_factory=list)
    policy_synonyms: dict[str, list[str]] = Field(default_factory=dict)  # 低保: [最低生活保障]
    policy_search: PolicySearch = PolicySearch()
    pushes: Pushes = Pushes()
    resident_tags: list[str] = Field(default_factory=list)
    communities_dir: str | None = None  # one YAML file per 村社 (bot/communities.py)
    ratings: Ratings = Ratings()
    volunteers: Volunteers = Volunteers()
    public_board: PublicBoard = PublicBoard()
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)

    @model_validator(mode="after")
    def _references(self) -> AppConfig:
        grids = {g.code for g in self.grids}
        for i, e in enumerate(self.estates):
            if e.grid not in grids:
                raise ValueError(f"estates.{i}.grid: unknown grid {e.grid!r}")
        for i, s in enumerate(self.staff):
            for g in s.grids:
                if g not in grids:
                    raise ValueError(f"staff.{i}.grids: unknown grid {g!r}")
        _check_city_staff(self)
        for name, items in (("estates", self.estates), ("grids", self.grids), ("staff", self.staff),
                            ("city_staff", self.city_staff)):
            codes = [x.code for x in items]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"{name}: duplicate code {dupes[0]!r}")
        services = self.catalogue()
        codes = [svc.code for svc in services]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"services: duplicate code {dupes[0]!r}")
        for svc in services:
            hours = datetime.combine(date.min, svc.end) - datetime.combine(date.min, svc.start)
            if hours.total_seconds() < svc.duration * 60:
                raise ValueError(f"services: {svc.code}: its hours hold no slot")
        _check_policies(self)
        return self

    @model_validator(mode="after")
    def _push_references(self) -> AppConfig:
        policies = {p.code for p in self.policies}
        estates = {e.code for e in self.estates}
        for i, job in enumerate(self.pushes.schedules):
            where = f"pushes.schedules.{i}"
            if job.policy and job.policy not in policies:
                raise ValueError(f"{where}.policy: unknown policy {job.policy!r}")
            for tag in job.targets.tags:
                if tag not in self.resident_tags:
                    raise ValueError(f"{where}.targets.tags: unknown tag {tag!r}")
            for code in job.targets.estates:
                if code not in estates:
                    raise ValueError(f"{where}.targets.estates: unknown estate {code!r}")
        return self

    def alert_source(self) -> str:
        """Who a warning typed in by staff is from: the configured source or this 居委会."""
        name = self.community.name
        return self.alerts.source or f"{name}{'村委会' if name.endswith('村') else '居委会'}"

    def catalogue(self) -> list[Service]:
        """Every bookable service, each setting resolved item → group → bookings.defaults."""
        out = []
        base = self.bookings.defaults
        for category in ("affairs", "care"):
            for g in getattr(self.services, category):
                for item in g.items:
                    def pick(name: str, default: Any, item: ServiceItem = item,
                             g: ServiceGroup = g) -> Any:
                        for layer in (item, g, base):
                            value = getattr(layer, name)
                            if value is not None:
                                return value
                        return default
                    out.append(Service(
                        code=item.code, name=item.name, category=category, group=g.group,
                        # no partner named: the community's own staff chat hears of each booking
                        provider_chat=pick("provider_chat", None) or self.community.staff_chat_id,
                        place=pick("place", "上门"),
                        duration=pick("duration_minutes", 60), price=pick("price", 0),
                        subsidy=pick("subsidy", ""), capacity=pick("capacity", 1),
                        weekdays=tuple(pick("weekdays", [1, 2, 3, 4, 5])),
                        start=pick("start", time(8, 30)), end=pick("end", time(17, 0)),
                        notice_hours=pick("notice_hours", 12), horizon_days=pick("horizon_days", 14),
                        prepare=tuple(pick("prepare", [])), aliases=tuple(item.aliases)))
        return out

    def estate_by_name(self, name: str) -> Estate | None:
        """The estate with this name or alias."""
        for e in self.estates:
            if name == e.name or name in e.aliases:
                return e
        return None


def _check_city_staff(config: AppConfig) -> None:
    """City staff codes and chat users are not also a community staff member's (config.yaml's)."""
    codes = {s.code for s in config.staff}
    users = {s.user_id for s in config.staff if s.user_id is not None}
    seen: set[int] = set()
    for i, s in enumerate(config.city_staff):
        if s.code in codes:
            raise ValueError(f"city_staff.{i}.code: {s.code!r} is already a community staff code")
        if s.user_id is not None and (s.user_id in users or s.user_id in seen):
            raise ValueError(f"city_staff.{i}.user_id: {s.user_id} already belongs to another staff member")
        if s.user_id is not None:
            seen.add(s.user_id)


def config_path(explicit: str | None = None) -> Path:
    """Which config file to read: the argument, env CUNSHE_CONFIG, else ./config.yaml."""
    return Path(explicit or os.environ.get("CUNSHE_CONFIG") or DEFAULT_CONFIG)


def _format_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    path = ".".join(str(p) for p in err["loc"]) or "(top level)"
    msg = err["msg"].removeprefix("Value error, ")
    # Cross-field errors carry their own key path in the message.
    if path == "(top level)" and ":" in msg:
        path, msg = (part.strip() for part in msg.split(":", 1))
    elif (key := msg.split(":", 1)[0]) != msg and key.isidentifier():
        path, msg = f"{path}.{key}", msg.split(":", 1)[1].strip()  # a nested model's own field
    return f"{path}: {msg}"


def _secrets(data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    file = os.environ.get("CUNSHE_SECRETS_FILE") or data.get("secrets_file")
    if file:
        p = Path(file)
        if not p.is_file():
            raise ConfigError(f"secrets_file: no such file {file}")
        loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ConfigError("secrets_file: must be a mapping")
        out.update({k: str(v) for k, v in loaded.items() if v is not None})
    for key in ("telegram_token", "secret_key", "webhook_secret"):
        env = os.environ.get(f"CUNSHE_{key.upper()}")
        if env:
            out[key] = env
    return out


def parse_config(data: Any, *, environ: bool = True) -> AppConfig:
    """Validate a loaded YAML mapping (plus environment overrides) into AppConfig."""
    if not isinstance(data, dict):
        raise ConfigError("(top level): the config must be a YAML mapping")
    merged: dict[str, Any] = {k: v for k, v in data.items()}
    if environ:
        secrets = _secrets(data)
        tg = dict(merged.get("telegram") or {})
        if "telegram_token" in secrets:
            tg["token"] = secrets["telegram_token"]
        if os.environ.get("CUNSHE_TELEGRAM_BASE_URL"):
            tg["base_url"] = os.environ["CUNSHE_TELEGRAM_BASE_URL"]
        if "webhook_secret" in secrets:
            tg["webhook"] = {**(tg.get("webhook") or {}), "secret_token": secrets["webhook_secret"]}
        merged["telegram"] = tg
        if "secret_key" in secrets:
            merged["secret_key"] = secrets["secret_key"]
        if os.environ.get("CUNSHE_DATABASE_URL"):
            merged["database"] = {**(merged.get("database") or {}),
                                  "url": os.environ["CUNSHE_DATABASE_URL"]}
    merged["raw"] = data
    try:
        return AppConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_format_error(exc)) from None


def load_config(path: str | Path | None = None, *, environ: bool = True) -> AppConfig:
    """Read and validate a config file; raise ConfigError with a one-line reason."""
    p = config_path(str(path) if path else None)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{p}:{where} not valid YAML") from None
    config = parse_config(data, environ=environ)
    sample = config.public_board.sample_file
    if sample and not Path(sample).is_absolute():  # the sample sits beside its config file
        board = config.public_board.model_copy(update={"sample_file": str(p.parent / sample)})
        config = config.model_copy(update={"public_board": board})
    return config
