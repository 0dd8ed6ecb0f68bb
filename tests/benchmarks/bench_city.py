"""City benchmark, part one: a directory of 5,000 community files (issue 13 point 4).

Generates BENCH_COMMUNITIES (default 5,000) community files spread over districts and streets
around Wenzhou, then prints: the first (cold) indexing, a start with the cached index, the
memory the index and finder take, name and location lookups per second, and loading one
community's full configuration. Run: `make bench-city` (prints figures; asserts nothing).
"""

from __future__ import annotations

import gc
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.communities import CommunityDirectory  # noqa: E402
from bot.community_finder import CommunityFinder  # noqa: E402
from bot.config import load_config  # noqa: E402

COUNT = int(os.environ.get("BENCH_COMMUNITIES", "5000"))
DISTRICTS = ("鹿城区", "龙湾区", "瓯海区", "洞头区", "乐清市", "瑞安市", "永嘉县", "文成县", "平阳县",
             "泰顺县", "苍南县", "龙港市")
SYLLABLES = "东南西北江山河湖田垟岙溪岭桥塘浦坑头尾前后上下新老金银竹松梅兰桂华光明安宁丰泰和平"


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        suffix = rng.choice(("社区", "村", "村"))
        if name + suffix not in used:
            used.add(name + suffix)
            return name + suffix


def generate(folder: Path, count: int, seed: int = 13) -> None:
    """Write `count` community files, each with its own estates, grid, staff and shelter."""
    rng = random.Random(seed)
    used: set[str] = set()
    for i in range(count):
        district = DISTRICTS[i % len(DISTRICTS)]
        street = f"{district[:2]}第{i // 40 % 30 + 1}街道"
        lat, lon = 27.6 + rng.random() * 0.8, 120.2 + rng.random() * 0.9
        estates = [{"code": f"c{i:05d}-e{j}", "name": f"{_name(rng, used)[:-1]}苑", "grid": "G1",
                    "lat": round(lat + rng.uniform(-0.005, 0.005), 5),
                    "lon": round(lon + rng.uniform(-0.005, 0.005), 5)} for j in range(rng.randint(2, 6))]
        data = {
            "code": f"c{i:05d}", "name": _name(rng, used), "district": district, "street": street,
            "center": {"lat": round(lat, 5), "lon": round(lon, 5)},
            "community": {"name": "x", "staff_chat_id": -1003000000000 - i,
                          "office": {"phone": f"0577-{80000000 + i}"}},
            "estates": estates,
            "grids": [{"code": "G1", "name": "第一网格", "chat_id": -1004000000000 - i}],
            "staff": [{"code": "S1", "name": "书记", "role": "书记", "user_id": 800000000 + i}],
            "shelters": [{"code": "H1", "name": "文化礼堂", "address": "村委会旁", "lat": lat, "lon": lon,
                          "capacity": 100}],
        }
        (folder / f"c{i:05d}.yaml").write_text(
            yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True),
            encoding="utf-8")


def main() -> None:
    """Generate, index twice, look up, load; print each figure."""
    city = load_config(ROOT / "config.yaml", environ=False).raw
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "communities", Path(tmp) / "index.json"
        folder.mkdir()
        started = time.perf_counter()
        generate(folder, COUNT)
        print(f"generated {COUNT:,} community files in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        CommunityDirectory.open(folder, city=city, cache=cache)
        print(f"first start (every file read, index written): {time.perf_counter() - started:.2f} s")

        started = time.perf_counter()
        directory = CommunityDirectory.open(folder, city=city, cache=cache)
        opened = time.perf_counter() - started
        finder = CommunityFinder(directory.entries)
        built = time.perf_counter() - started
        print(f"later starts (cached index): open {opened:.2f} s, with the name finder {built:.2f} s")
        started = time.perf_counter()
        finder.by_location(28.0, 120.6)  # the KD-tree of centres is built on first use
        print(f"first location lookup (builds the KD-tree, imports scipy): {time.perf_counter() - started:.2f} s")
        # Memory apart from timing: tracemalloc slows every allocation.
        gc.collect()
        tracemalloc.start()
        held = CommunityFinder(CommunityDirectory.open(folder, city=city, cache=cache).entries)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del held
        print(f"memory of the index and the name finder: {current / 2**20:.1f} MiB "
              f"(peak while opening {peak / 2**20:.1f} MiB)")

        rng = random.Random(1)
        names = [e.name for e in directory.entries]
        questions = [f"我是{rng.choice(names)}的 想问一下" for _ in range(2000)]
        started = time.perf_counter()
        hits = sum(1 for q in questions if finder.by_name(q))
        took = time.perf_counter() - started
        print(f"by name: {len(questions) / took:,.0f} lookups/s ({hits} of {len(questions)} found)")
        points = [(27.6 + rng.random() * 0.8, 120.2 + rng.random() * 0.9) for _ in range(2000)]
        started = time.perf_counter()
        for lat, lon in points:
            finder.by_location(lat, lon)
        print(f"by location: {len(points) / (time.perf_counter() - started):,.0f} lookups/s")

        code = directory.entries[COUNT // 2].code
        started = time.perf_counter()
        directory.config(code)
        first = time.perf_counter() - started
        started = time.perf_counter()
        directory.config(code)
        print(f"one community's full config: first use {first * 1000:.1f} ms, "
              f"then {(time.perf_counter() - started) * 1000:.2f} ms (cached)")


if __name__ == "__main__":
    main()
