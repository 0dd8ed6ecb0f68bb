# The README's two commands: `make run` and `make test`. Only python3 and make are assumed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-stamp

.PHONY: setup run test lint typecheck bench-nlu bench-bot bench-import bench-start bench-hostile clean

# The intent classifier is trained once into its artefact (seconds); later starts load it.
setup: $(STAMP)
	@$(VENV)/bin/cunshe nlu build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

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

bench-import: setup
	$(PY) tests/benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
