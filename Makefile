# Woonregie: `make run` starts the platform, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop test test-unit install jars clean-data help

help:
	@echo "make run    - start broker and the four services locally (Ctrl-C or make stop ends it)"
	@echo "make test   - run the whole test suite (real Kafka broker, SQLite, PostgreSQL if set)"
	@echo "make stop   - stop what make run started"

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import sys; assert sys.version_info >= (3, 11), 'Python 3.11+ is needed'"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

jars: install
	$(BIN)/python -c "from shared.local.broker import resolve_jars; print(resolve_jars())"

run: install jars
	$(BIN)/woonregie run

stop:
	$(BIN)/woonregie stop

test: install jars node_modules
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

test-unit: install
	$(BIN)/python -m pytest -p no:cacheprovider tests/unit $(PYTEST_ARGS)

# Spectral and the AsyncAPI parser for tests/contract, exactly as package-lock.json pins them
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules

clean-data:
	rm -rf data run
