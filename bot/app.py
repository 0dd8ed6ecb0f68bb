"""The composition root: everything is built here from config, nothing at import time."""

from __future__ import annotations

import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from bot.config import AppConfig, ConfigError
from domain.bookings import Service
from domain.ports import UnitOfWork
from domain.sla import OfficeHours
from domain.staff import ABOVE, VIEWER, Staff
from domain.usecases.reports import ReportRules
from storage.crypto import Crypto, KeyError_, local_secret
from storage.db import make_engine, make_sessionmaker
from storage.uow import EventHandler, SqlUnitOfWork

if TYPE_CHECKING:
    from bot.certify import Certifier
    from bot.communities import CommunityDirectory
    from bot.dialogue.engine import DialogueEngine
    from bot.notify import Notifier
    from bot.policies import PolicyLibrary
    from nlu import Parser

log = logging.getLogger(__name__)
TENANTS_CACHED = 128


def resolve_secret(config: AppConfig) -> str:
    """The encryption key: env/secrets file, or a local key file beside a SQLite database."""
    if config.secret_key:
        return config.secret_key
    url = make_url(config.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).parent / "secret.key"
        if not path.is_file():
            # Once, when the key is made: one Chinese line for whoever started the bot.
            from bot.texts import local_key_created

            log.info("secret key: created the local key file")
            print(local_key_created(str(path)), file=sys.stderr, flush=True)
        return local_secret(path)
    raise ConfigError("secret_key: set CUNSHE_SECRET_KEY (or secrets_file) for this database")


@dataclass
class App:
    """Everything the bot needs, wired once from config."""

    config: AppConfig
    on_event: EventHandler | None = None
    # Tests of flows swap in an in-memory unit of work here; production uses SQLAlchemy.
    uow_factory: Callable[[], UnitOfWork] | None = None
    _engine: Engine | None = field(default=None, repr=False)
    _parser_ready: Future[Parser] | None = field(default=None, repr=False)
    # A tenant (one community's App) shares its root's engine, key and parser; the root is
    # the deployment: its unit of work sees every community (dispatcher, jobs, city tools).
    root: App | None = field(default=None, repr=False)
    _tenants: OrderedDict[str, App] = field(default_factory=OrderedDict, repr=False)
    # False: new records are filed nowhere (NoCommunity), e.g. a city-wide CLI command.
    files: bool = field(default=True, repr=False)

    @property
    def community_code(self) -> str:
        """The community this App serves (the root: config.yaml's own community)."""
        return self.config.community.code

    @cached_property
    def directory(self) -> CommunityDirectory | None:
        """The deployment's communities (None: one community, config.yaml's)."""
        if self.root is not None:
            return self.root.directory
        from bot.estates import open_directory

        return open_directory(self.config)  # a broken directory stops the start: one line says why

    def codes(self) -> list[str]:
        """Every community's code (config.yaml's own first when the directory lacks it)."""
        own = (self.root or self).community_code
        listed = [e.code for e in self.directory.entries] if self.directory else []
        return listed if own in listed else [own, *listed]

    @property
    def several(self) -> bool:
        """Whether this deployment serves more than one community (then people are asked)."""
        return self.directory is not None and len(self.codes()) > 1

    def tenant(self, code: str) -> App:
        """The App of one community: its configuration, its records only; engine and NLU shared."""
        root = self.root or self
        if root.directory is None or root.directory.get(code) is None:
            if code != root.community_code:
                raise ConfigError(f"community {code!r}: not one of this deployment's")
            config = root.config
        else:
            config = root.directory.config(code)
        hit = root._tenants.get(code)
        if hit is not None and hit.config is config:
            root._tenants.move_to_end(code)
            return hit
        tenant = App(config, on_event=root.on_event, uow_factory=root.uow_factory, root=root)
        root._tenants[code] = tenant
        while len(root._tenants) > TENANTS_CACHED:  # memory stays flat with thousands
            root._tenants.popitem(last=False)
        return tenant

    @cached_property
    def zone(self) -> ZoneInfo:
        """The community's time zone (times are shown in it, stored in UTC)."""
        return ZoneInfo(self.config.community.timezone)

    @cached_property
    def crypto(self) -> Crypto:
        """PII encryption and lookup hashing."""
        if self.root is not None:
            return self.root.crypto
        try:
            return Crypto(resolve_secret(self.config))
        except KeyError_ as exc:
            raise ConfigError(f"secret_key: {exc}") from None

    @property
    def engine(self) -> Engine:
        """The database engine (created on first use)."""
        if self.root is not None:
            return self.root.engine
        if self._engine is None:
            db = self.config.database
            self._engine = make_engine(db.url, sqlite_synchronous=db.sqlite_synchronous,
                                       pool_size=max(5, min(32, self.config.telegram.concurrent_updates)))
        return self._engine

    @cached_property
    def sessions(self) -> Any:
        """The session factory."""
        if self.root is not None:
            return self.root.sessions
        return make_sessionmaker(self.engine)

    def uow(self) -> UnitOfWork:
        """A fresh unit of work; its events become outbox messages before it commits."""
        if self.uow_factory is not None:
            return self.uow_factory()
        # A tenant sees its own community; the root sees all and files under its own.
        visible = frozenset({self.community_code}) if self.root is not None else None
        return SqlUnitOfWork(self.sessions, self.crypto, self.zone,
                             self.on_event or self.notifier.handle,
                             community=self.community_code if self.files else None,
                             visible=visible)

    @cached_property
    def notifier(self) -> Notifier:
        """Turns domain events into messages for residents and staff."""
        from bot.notify import Notifier

        return Notifier(self)

    @cached_property
    def certifier(self) -> Certifier:
        """云盖章: templates, the signing key, verification."""
        from bot.certify import Certifier

        return Certifier(self)

    @cached_property
    def office_hours(self) -> OfficeHours:
        """Office hours for SLA deadlines."""
        from bot.workdays import working_calendar

        oh = self.config.community.office_hours
        holidays, workdays = working_calendar(oh.holidays, oh.workdays, use_package=oh.chinese_calendar)
        return OfficeHours(frozenset(oh.weekdays), oh.start, oh.end, self.zone,
                           holidays=holidays, workdays=workdays)

    @cached_property
    def report_rules(self) -> ReportRules:
        """Report numbering, deadlines and windows from config."""
        r = self.config.reports
        return ReportRules(
            prefix=r.number_prefix, office_hours=self.office_hours,
            accept_hours=r.sla.accept_working_hours, resolve_days=r.sla.resolve_days,
            reopen_days=r.reopen_days, duplicate_days=r.duplicate_days,
            grid_of_estate={e.code: e.grid for e in self.config.estates},
            urgent_accept_minutes=r.sla.urgent_accept_minutes,
        )

    @cached_property
    def services(self) -> dict[str, Service]:
        """The bookable catalogue by code, in config order."""
        return {s.code: s for s in self.config.catalogue()}

    def service_named(self, name: str) -> Service | None:
        """The service a name or alias (as the NLU gives it) stands for."""
        return next((s for s in self.services.values() if name == s.name or name in s.aliases),
                    None)

    def estate_lookup(self) -> dict[str, str]:
        """Estate names and aliases → estate code (for rosters and forms)."""
        return self._estate_codes

    @cached_property
    def _estate_codes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.config.estates:
            out[e.name] = e.code
            out[e.code] = e.code
            for a in e.aliases:
                out[a] = e.code
        return out

    def declared_staff(self) -> list[Staff]:
        """Staff accounts as config declares them."""
        return [Staff(s.code, s.name, s.role, s.user_id, list(s.grids), community=self.community_code)
                for s in self.config.staff]

    def declared_city_staff(self) -> list[Staff]:
        """街道/区/市 staff as config.yaml declares them (their rows belong to no one community)."""
        root = self.root or self
        return [Staff(s.code, s.name, s.role or VIEWER, s.user_id, [], community=ABOVE,
                      level=s.level, reach=s.reach, read_only=s.view_only)
                for s in root.config.city_staff]

    def reach(self, staff: Staff) -> frozenset[str]:
        """The communities a staff member sees: their own, or every one below their 街道/区/市."""
        if not staff.level:
            return frozenset({staff.community}) if staff.community else frozenset()
        codes = self.codes()
        directory = self.directory
        if staff.level == "市":
            return frozenset(codes)
        if directory is None:  # one community: a 街道 or 区 reaches it when its names say so
            c = (self.root or self).config.community
            where = c.district or ""
            return frozenset(codes) if staff.reach and staff.reach in where else frozenset()
        return frozenset(e.code for e in directory.below(staff.level, staff.reach))

    @cached_property
    def parser(self) -> Parser:
        """The NLU parser, built once (from its artefact: a fraction of a second after `make setup`)."""
        if self.root is not None:
            return self.root.parser
        if self._parser_ready is not None:
            return self._parser_ready.result()
        return self._new_parser()

    def _new_parser(self) -> Parser:
        from bot.estates import city_gazetteer
        from nlu import Lexicon, build_parser

        n = self.config.nlu
        return build_parser(Lexicon.from_config(self.config.raw), backend=n.backend,
                            rasa_url=n.rasa_url, timeout=n.rasa_timeout_seconds,
                            gazetteer=city_gazetteer(self.directory))

    def start_parser(self) -> None:
        """Build the parser in a background thread: a prompt can show first; `parser` waits for it."""
        if "parser" in self.__dict__ or self._parser_ready is not None:
            return
        ready: Future[Parser] = Future()

        def build() -> None:
            try:
                ready.set_result(self._new_parser())
            except BaseException as exc:  # handed to whoever asks for the parser
                ready.set_exception(exc)
                return
            self.warm_policies()

        self._parser_ready = ready
        threading.Thread(target=build, name="nlu-start", daemon=True).start()

    @cached_property
    def policies(self) -> PolicyLibrary:
        """The policy library (config's and staff's policies) and its search index."""
        from bot.policies import PolicyLibrary

        return PolicyLibrary(self.config)

    def warm_policies(self) -> None:
        """Build the policy search index now, so the first question does not wait for it."""
        try:
            own = self.tenant(self.community_code)
            with own.uow() as uow:
                own.policies.index(uow)
        except Exception:  # the first question builds it again and reports what is wrong
            log.exception("policy index not built at start")

    @cached_property
    def dialogue(self) -> DialogueEngine:
        """The channel-neutral dialogue engine."""
        from bot.dialogue.engine import DialogueEngine

        return DialogueEngine(self)

    def check_key(self) -> None:
        """Refuse to start with a key that cannot read this database (a lost or swapped key)."""
        from storage.keycheck import key_matches

        if not key_matches(self.sessions, self.crypto):
            raise ConfigError(
                "secret_key: 与数据库不匹配 (this database was written with another key; "
                "use the key it was created with)")

    def close(self) -> None:
        """Release connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def build_bench_engine(database_url: str) -> DialogueEngine:
    """A fully wired engine (NLU, dialogue, migrated database) for `make bench-bot`."""
    import os

    from bot.config import load_config
    from domain.usecases.staff import sync_staff
    from storage import migrate

    os.environ.setdefault("CUNSHE_SECRET_KEY", "bench-secret-key-0123456789abcdef")
    config = load_config(Path(__file__).resolve().parent.parent / "config.yaml", environ=True)
    config = config.model_copy(update={"database": config.database.model_copy(
        update={"url": database_url})})
    app = App(config)
    migrate.upgrade(app.engine)
    sync_staff(app.uow(), app.declared_staff())
    _ = app.parser
    return app.dialogue
