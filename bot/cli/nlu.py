"""`cunshe nlu ...`: parse messages, evaluate on Rasa NLU YAML test data, export Rasa data."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot.cli.common import CliError, load_app_config
from bot.config import ConfigError


def register(subparsers: Any) -> None:
    """Add the `nlu` command and its sub-commands."""
    nlu = subparsers.add_parser("nlu", help="中文理解: parse / eval / build / export")
    sub = nlu.add_subparsers(dest="nlu_command", metavar="SUBCOMMAND")
    nlu.set_defaults(func=lambda args: _usage(nlu))

    parse = sub.add_parser("parse", help="parse TEXT (or one message per stdin line) to JSON")
    parse.add_argument("text", nargs="?", help="message; omitted: read stdin line by line")
    parse.add_argument("--now", help="reference time, ISO 8601 (default: now, Asia/Shanghai)")
    parse.set_defaults(func=cmd_parse)

    ev = sub.add_parser("eval", help="evaluate intents on a Rasa NLU YAML test file")
    ev.add_argument("file", help="Rasa NLU YAML, e.g. nlu/data/test/heldout.yml")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(func=cmd_eval)

    build = sub.add_parser("build", help="train the intent classifier once into its cached artefact")
    build.set_defaults(func=cmd_build)

    ex = sub.add_parser("export", help="print Rasa NLU YAML: training data + generated synonyms/lookups")
    ex.set_defaults(func=cmd_export)


def _usage(parser: argparse.ArgumentParser) -> int:
    """Print the sub-command help."""
    parser.print_help()
    return 2


def _raw_config(args: argparse.Namespace) -> dict[str, Any]:
    """The raw config dict, loaded and validated by the app's config loader."""
    raw = getattr(load_app_config(args), "raw", None)
    if not isinstance(raw, dict):
        raise CliError("config has no raw mapping for the NLU lexicon", 2)
    return raw


def _parser(args: argparse.Namespace) -> Any:
    """Build the configured parser (backend and Rasa URL from the config's nlu section)."""
    from bot.estates import city_gazetteer
    from nlu import Lexicon, build_parser

    raw = _raw_config(args)
    settings = raw.get("nlu") or {}
    directory = _directory(args)
    try:
        return build_parser(
            Lexicon.from_config(raw),
            backend=str(settings.get("backend") or "builtin"),
            rasa_url=settings.get("rasa_url"),
            timeout=float(settings.get("rasa_timeout_seconds") or 2.0),
            gazetteer=city_gazetteer(directory),
        )
    except ValueError as exc:
        raise CliError(str(exc), 2) from exc


def _directory(args: argparse.Namespace) -> Any:
    """Every community's estates, as the bot knows them (None: a one-community deployment)."""
    from bot.estates import open_directory

    try:
        return open_directory(load_app_config(args))
    except ConfigError as exc:
        raise CliError(f"config error: {exc}", 2) from None


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the parse of TEXT, or of each stdin line, as JSON."""
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError as exc:
            raise CliError(f"--now is not ISO 8601: {args.now!r}", 2) from exc
    parser = _parser(args)
    if args.text is not None:
        print(json.dumps(parser.parse(args.text, now), ensure_ascii=False))
        return 0
    for line in sys.stdin:
        print(json.dumps(parser.parse(line.rstrip("\r\n"), now), ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Evaluate intents on a Rasa NLU YAML file and print the report."""
    from nlu.evaluate import evaluate_file, format_report

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}", 2)
    parser = _parser(args)
    started = time.perf_counter()
    try:
        report = evaluate_file(parser, path)
    except (yaml.YAMLError, AttributeError, TypeError) as exc:
        raise CliError(f"{path} is not Rasa NLU YAML: {exc}", 2) from exc
    report["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Load or train the classifier artefact for this config (`make setup` runs it)."""
    from nlu import Lexicon
    from nlu.artefact import default_cache_dir
    from nlu.parser import intent_model

    started = time.perf_counter()
    model = intent_model(Lexicon.from_config(_raw_config(args)), cache_dir=default_cache_dir())
    state = "已是最新" if model.source == "artefact" else "已训练"
    where = model.path if model.path is not None else "（缓存目录不可写，下次启动再训练）"
    print(f"意图模型{state}：{model.examples}条样例，{time.perf_counter() - started:.1f}秒，{where}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Print Rasa NLU YAML for a Rasa server: our training data plus config-generated tables."""
    from nlu import Lexicon
    from nlu.augment import generate
    from nlu.data import dump_rasa, load_training

    lexicon = Lexicon.from_config(_raw_config(args))
    intents: dict[str, list[str]] = {}
    for text, intent in load_training() + generate(lexicon):
        intents.setdefault(intent, []).append(text)
    lookups = lexicon.lookups()
    directory = _directory(args)
    if directory is not None:  # a Rasa server must know every community's estates, as our parser does
        from bot.estates import all_estate_names

        lookups["estate"] = list(dict.fromkeys([*lookups["estate"], *all_estate_names(directory)]))
    print(dump_rasa(intents, lexicon.synonyms(), lookups), end="")
    return 0
