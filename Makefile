# The README's two commands: `make run` and `make test`. Only python3 and make are assumed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp
LOCK := requirements.lock
# The resolver used by `make lock` (a tool, like pip: not part of the lock).
UV_VERSION := 0.13.9

.PHONY: setup lock run test lint typecheck bench-nlu bench-bot bench-import bench-start bench-hostile bench-city bench-city-workers bench-city-nlu bench-city-roster bench-city-alert bench-city-worklist bench-push bench-push-prepare clean

# The intent classifier is trained once into its artefact (seconds); later starts load it.
setup: $(STAMP)
	@$(VENV)/bin/cunshe nlu build

# Exactly the locked versions, each checked against its hash; then our own code, editable,
# built with the locked setuptools (no unpinned build environment).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-resolve pyproject.toml's dependencies (main + dev) into the hashed lock, for Python 3.11+.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PY) scripts/lock.py write

# Quiet: in terminal mode the screen is the chat (log lines go to var/cunshe.log).
run: setup
	@$(VENV)/bin/cunshe db upgrade --quiet
	@$(VENV)/bin/cunshe run

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench-nlu: setup
	$(PY) tests/benchmarks/bench_nlu.py

bench-bot: setup
	$(PY) tests/benchmarks/bench_bot.py

bench-start: setup
	$(PY) tests/benchmarks/bench_start.py

# The real `cunshe run` under a hostile mix at 30 messages/s (BENCH_SECONDS, default 300;
# also on PostgreSQL when CUNSHE_BENCH_DATABASE_URL is set).
bench-hostile: setup
	$(PY) tests/benchmarks/bench_hostile.py

# The city (issue 13): 5,000 community files; then, on PostgreSQL when CUNSHE_BENCH_DATABASE_URL is
# set, 1,000,000 residents' rosters imported and a city-wide warning prepared and queued for them.
bench-city: setup
	$(PY) tests/benchmarks/bench_city.py
	$(PY) tests/benchmarks/bench_city_alert.py
	$(PY) tests/benchmarks/bench_city_nlu.py
	$(PY) tests/benchmarks/bench_city_workers.py

# Roster import only: 1,000,000 residents over 5,000 communities (rows/s).
bench-city-roster: setup
	$(PY) tests/benchmarks/bench_city_roster.py

# Roster import, then the city-wide warning for 1,000,000 residents (< 60 s), phase by phase.
bench-city-alert: setup
	$(PY) tests/benchmarks/bench_city_alert.py

# Dialogue throughput with 1, 2 and 4 webhook workers behind a proxy (PostgreSQL:
# CUNSHE_BENCH_DATABASE_URL; BENCH_WORKER_SECONDS, BENCH_WORKER_RESIDENTS, BENCH_WORKER_COUNTS).
bench-city-workers: setup
	$(PY) tests/benchmarks/bench_city_workers.py

bench-city-nlu: setup
	$(PY) tests/benchmarks/bench_city_nlu.py

# One staff member's 待办 (市 and 街道) over 5,000 communities' 50,000 pending records
# (PostgreSQL: CUNSHE_BENCH_DATABASE_URL; BENCH_WORKLIST_ITEMS, BENCH_COMMUNITIES).
bench-city-worklist: setup
	$(PY) tests/benchmarks/bench_city_worklist.py

# The broadcaster: 20,000 bulk messages through the real bot and a stand-in limited to 1,000/s,
# also across a SIGKILL (also on PostgreSQL when CUNSHE_BENCH_DATABASE_URL is set).
bench-push: setup
	$(PY) tests/benchmarks/bench_push.py

bench-import: setup
	$(PY) tests/benchmarks/bench_import.py

# 预警 prepare half: 100,000 personalised warnings with each resident's 3 nearest shelters (< 5 s).
bench-push-prepare: setup
	$(PY) tests/benchmarks/bench_push_prepare.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
