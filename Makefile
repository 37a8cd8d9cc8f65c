# Two commands matter: `make demo` and `make test`. Both bootstrap .venv from a bare
# python3 (PEP 405 venv + pip) the first time, and reinstall when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The shared yardstick (../shared/bench) runs its contestants, openai's among them, from a
# venv of its own pinned versions, with this project installed into it.
SHARED_BENCH ?= ../shared/bench
BENCH_VENV   := .venv-bench
BENCH_STAMP  := $(BENCH_VENV)/.installed
YARDSTICK    ?= --n 5 --contestants floor_orjson,openai_handler,assistant_stream_handler

.PHONY: demo test lint typecheck unit bench instructions yardstick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/client_sample.py

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -X dev -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

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
	rm -rf $(VENV) $(BENCH_VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist
