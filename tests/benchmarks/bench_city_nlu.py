"""City benchmark, the NLU part (issue 13 point 4): start-up and memory with every community's estates.

Generates BENCH_COMMUNITIES (default 5,000) community files with bench_city's generator, then
starts the NLU as the bot does (App.parser: the directory's cached index, the estate gazetteer,
the classifier from its artefact) in a fresh process for: no community directory, 1 community,
and all of them. Prints each start's time, its memory (RSS), the number of estate names, and
parses per second of messages naming an estate. Run: `make bench-city-nlu` (asserts nothing).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.benchmarks.bench_city import COUNT, generate  # noqa: E402

MESSAGES = 2000


def _rss_mib() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MiB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def child(folder: str) -> None:
    """One start, as the bot does it; prints one JSON line of figures."""
    started = time.perf_counter()
    from bot.app import App
    from bot.config import load_config

    config = load_config(ROOT / "config.yaml", environ=False)
    config = config.model_copy(update={"communities_dir": folder or None})
    imported = time.perf_counter()
    app = App(config)
    directory = app.directory
    opened = time.perf_counter()
    parser = app.parser
    ready = time.perf_counter()
    rss, peak = _rss_mib()
    names = [n for e in directory.entries for n in e.estates] if directory else []
    rng = random.Random(4)
    said = [f"{rng.choice(names) if names else '翠微苑'}{rng.randint(1, 20)}幢楼道灯坏了" for _ in range(MESSAGES)]
    began = time.perf_counter()
    found = sum(1 for text in said if any(e["entity"] == "estate" for e in parser.parse(text)["entities"]))
    parsing = time.perf_counter() - began
    gazetteer = getattr(getattr(parser, "entities", None), "catalogue", None)
    print(json.dumps({
        "communities": len(directory.entries) if directory else 0,
        "names": len(getattr(gazetteer, "gazetteer", None) or ()),
        "import": imported - started, "directory": opened - imported, "parser": ready - opened,
        "rss": rss, "peak": peak, "per_s": MESSAGES / parsing, "found": found,
        "source": getattr(parser, "model_source", "?"),
    }))


def add_aliases(folder: Path) -> None:
    """Give every estate one or two aliases (东岙苑 → 东岙苑小区, 东岙花园), as real files have."""
    loader, dumper = getattr(yaml, "CSafeLoader", yaml.SafeLoader), getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for i, path in enumerate(sorted(folder.glob("*.yaml"))):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for estate in data["estates"]:
            name = estate["name"]
            estate["aliases"] = [f"{name}小区"] + ([f"{name[:-1]}花园"] if i % 4 else [])
        path.write_text(yaml.dump(data, Dumper=dumper, allow_unicode=True), encoding="utf-8")


def start(folder: Path | None, cwd: Path) -> dict[str, float]:
    """Run one start in a fresh process (its own memory), with the index cache under cwd."""
    out = subprocess.run([sys.executable, __file__, "--child", str(folder or "")], cwd=cwd,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Generate, then start without communities, with one, and with all (twice: cold, then cached)."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        city, one = base / "city", base / "one"
        city.mkdir()
        one.mkdir()
        began = time.perf_counter()
        generate(city, COUNT)
        print(f"generated {COUNT:,} community files in {time.perf_counter() - began:.1f} s")
        shutil.copy(city / "c00000.yaml", one)
        print(f"{'start':<36} {'names':>7} {'directory':>10} {'parser':>8} {'RSS MiB':>8} {'peak':>6} {'parses/s':>9}")
        for label, folder in [("no communities_dir", None), ("1 community", one),
                              (f"{COUNT:,} communities, cold index", city), (f"{COUNT:,} communities", city)]:
            show(label, start(folder, base))
        add_aliases(city)
        start(city, base)  # the index is written again: every file changed
        show(f"{COUNT:,} communities with aliases", start(city, base))


def show(label: str, f: dict[str, float]) -> None:
    """One row of the table."""
    print(f"{label:<36} {int(f['names']):>7,} {f['directory']:>9.2f}s {f['parser']:>7.2f}s "
          f"{f['rss']:>8.0f} {f['peak']:>6.0f} {f['per_s']:>9,.0f}"
          + ("" if f["source"] == "artefact" else f"  (classifier {f['source']})"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
