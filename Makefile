# Two commands matter: `make demo` and `make test`. Both bootstrap .venv from a bare
# python3 (PEP 405 venv + pip) the first time, and reinstall when pyproject.toml changes;
# `make test-lowest` does the same in .venv-lowest.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# `make test-lowest` runs the suite with every runtime dependency (and the [cli] extra's) at
# exactly its declared floor (pyproject.toml, read by tests/lowest_pins.py) and the dev
# tools as pinned there.
LOWEST       := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed

# The shared yardstick (../shared/bench) runs its contestants, openai's among them, from a
# venv of its own pinned versions, with this project installed into it.
SHARED_BENCH ?= ../shared/bench
BENCH_VENV   := .venv-bench
BENCH_STAMP  := $(BENCH_VENV)/.installed
YARDSTICK    ?= --n 5 --contestants floor_orjson,openai_handler,assistant_stream_handler

.PHONY: demo test test-lowest lint typecheck unit bench instructions yardstick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cli]'
	touch $(STAMP)

demo: $(STAMP)  # a streamed run with a tool call, from the embedded server: no network, no key
	$(BIN)/assistant-stream demo

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -X dev -m pytest

$(LOWEST_STAMP): pyproject.toml tests/lowest_pins.py
	test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python tests/lowest_pins.py pyproject.toml > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/constraints.txt -e '.[dev,cli]'
	touch $(LOWEST_STAMP)

test-lowest: $(LOWEST_STAMP)  # the suite only: lint and types are `make test`'s
	ASSISTANT_STREAM_LOWEST=$(LOWEST)/constraints.txt $(LOWEST)/bin/python -X dev -m pytest

bench: $(STAMP)  # per event, per tool round, the embedded server's load, the CLI's first text
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/tool_rounds.py
	$(BIN)/python benchmarks/server_load.py
	$(BIN)/python benchmarks/cli_first_text.py

instructions: $(STAMP)  # needs valgrind; noise-free instructions per event
	$(BIN)/python benchmarks/instructions.py

$(BENCH_STAMP): pyproject.toml
	@test -d $(SHARED_BENCH) || { echo "no yardstick at $(SHARED_BENCH)"; exit 1; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r $(SHARED_BENCH)/requirements.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet -e .
	touch $(BENCH_STAMP)

yardstick: $(BENCH_STAMP)  # end to end over loopback HTTP, against openai's handler
	cd $(SHARED_BENCH) && $(CURDIR)/$(BENCH_VENV)/bin/python run_bench.py $(YARDSTICK)

clean:
	rm -rf $(VENV) $(LOWEST) $(BENCH_VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist
