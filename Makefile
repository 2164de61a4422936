# vpcsim: `make run` starts the server, `make test` runs every check. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 4566

.PHONY: run test lint unit api bench clean iac

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "vpcsim needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@echo "vpcsim: open http://127.0.0.1:$(PORT)/ in a browser once it is listening"
	$(BIN)/vpcsim serve --demo --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy src/vpcsim/protocol src/vpcsim/store src/vpcsim/model src/vpcsim/catalog

test: lint
	$(BIN)/pytest -n 2 --dist loadfile tests src/vpcsim --doctest-modules

# Terraform and Ansible against a live vpcsim, known gaps included (issue 12); VPCSIM_IAC_ARTIFACTS=dir keeps outputs.
iac: $(STAMP)
	$(BIN)/pytest tests/iac --runxfail -v $(IAC_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV)
