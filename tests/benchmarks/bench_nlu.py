"""NLU benchmark (not a timed test): start-up, parses/s on one core, latency, held-out accuracy.

Run from the repository root: python tests/benchmarks/bench_nlu.py [--config config.yaml]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

EXTRA = [
    "帮我妈约明天下午两点的助浴",
    "下周三上午九点到十一点给我爸量血压",
    "12月5号下午三点半来保洁",
    "我电话13812345678 身份证330302199001011235",
    "翠微苑三幢二单元302室楼道灯不量了",
    "国庆节那天能来吗",
    "月底之前能办好吗",
    "过两天再说",
    "大后天中午",
    "",
    "😀😀",
    "楼" * 10_000,
]


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main() -> int:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default=os.environ.get("CUNSHE_CONFIG", str(ROOT / "config.yaml")))
    ap.add_argument("--rounds", type=int, default=3, help="warm passes over the corpus")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (wall figures include contention)")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    import yaml

    rss0 = rss_mb()
    t0 = time.perf_counter()
    from nlu import Lexicon, build_parser
    from nlu.data import heldout_file, load_nlu_file, load_training, times_file
    from nlu.entities.timeexpr import RECOGNIZER, _recognize_cached
    from nlu.evaluate import evaluate_file, evaluate_times

    t_import = time.perf_counter() - t0
    raw = yaml.safe_load(Path(args.config).read_text(encoding="utf-8"))
    parser = build_parser(Lexicon.from_config(raw))
    t_start = time.perf_counter() - t0
    rss1 = rss_mb()
    print(
        f"start-up: {t_start:.2f} s (imports {t_import:.2f} s, classifier "
        f"{getattr(parser, 'model_source', '?')} for {getattr(parser, 'training_size', '?')} examples; "
        "Recognizers-Text is built on the first message that needs it), "
        f"memory +{rss1 - rss0:.0f} MB (RSS {rss1:.0f} MB)"
    )

    heldout = [t for t, _ in load_nlu_file(heldout_file())]
    corpus = heldout + [t for t, _ in load_training()] + EXTRA
    now = datetime(2024, 11, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    gc.collect()
    gc.disable()

    def run(label: str, texts: list[str]) -> None:
        calls = RECOGNIZER.calls
        wall, cpu = [], []
        started, started_cpu = time.perf_counter(), time.thread_time()
        for text in texts:
            s, c = time.perf_counter(), time.thread_time()
            parser.parse(text, now)
            cpu.append(time.thread_time() - c)
            wall.append(time.perf_counter() - s)
        total, total_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        print(f"{label}: {len(texts)} parses, Recognizers-Text calls {RECOGNIZER.calls - calls}")
        for name, lat, spent in (("wall", wall, total), ("cpu ", cpu, total_cpu)):
            lat.sort()
            print(
                f"  {name}: {len(texts) / spent:,.0f} parses/s,"
                f" median {statistics.median(lat) * 1000:.3f} ms, "
                f"p99 {percentile(lat, 0.99) * 1000:.3f} ms, max {lat[-1] * 1000:.2f} ms"
            )

    _recognize_cached.cache_clear()
    run("cold (every message new, empty caches)", corpus)
    run(f"warm ({args.rounds} more passes)", corpus * args.rounds)
    gc.enable()

    report = evaluate_file(parser, heldout_file())
    print(
        f"held-out ({report['total']} examples, never trained on):"
        f" accuracy {report['accuracy']:.4f}, "
        f"macro-F1 {report['macro_f1']:.4f}"
    )
    for c in report["confused"][:5]:
        print(f"  confused {c['intent']} -> {c['predicted']}: {c['count']}")
    times = evaluate_times(parser, times_file())
    wrong = sum(1 for e in times["errors"] if e["got"] is not None)
    print(f"times ({times['total']} labelled): accuracy {times['accuracy']:.4f}, wrong values {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
