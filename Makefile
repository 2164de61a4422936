# vpcsim: `make run` starts the server, `make test` runs every check. Both set themselves up on a fresh machine.
# Every install is pinned by constraints.txt (scripts/lock.py writes it): a fresh clone gets the versions the tests
# passed with, today and after the next upstream release.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
PIP := $(BIN)/python -m pip --disable-pip-version-check
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
PORT ?= 4566

.PHONY: run test lint unit api bench clean lock iac

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "vpcsim needs Python >= 3.11"'
	@echo "vpcsim: creating a virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "vpcsim: installing the pinned pip"
	$(PIP) install --quiet -c $(LOCK) pip

# What serving needs, and nothing else (the test tools come with `make test`).
$(RUN_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@echo "vpcsim: installing vpcsim and what it needs to serve (versions pinned in $(LOCK)); this takes a minute"
	$(PIP) install --progress-bar on -c $(LOCK) -e .
	@touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@echo "vpcsim: installing vpcsim with its test tools (versions pinned in $(LOCK))"
	$(PIP) install --quiet -c $(LOCK) -e '.[test]'
	@touch $(TEST_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	@echo "vpcsim: open http://127.0.0.1:$(PORT)/ in a browser once it is listening"
	$(BIN)/vpcsim serve --demo --port $(PORT)

lint: $(TEST_STAMP)
	@$(BIN)/python scripts/check_lock.py --fix
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/lint-imports
	$(BIN)/mypy src/vpcsim

# One throwaway PostgreSQL server for the run's PostgreSQL tests (tests/pg_cluster.py: a temporary directory and a free
# port, stopped when pytest ends); without PostgreSQL installed those tests skip, and the run says so.
# The IaC tests (tests/iac: Terraform and Ansible) mostly wait on the provider's own sleeps and waiters, so they run
# beside the rest on more workers than there are cores; their output follows the rest's.
test: lint
	@iac_log=$$(mktemp); \
	$(BIN)/pytest -n 6 --dist loadfile -rsx -p no:cacheprovider tests/iac > $$iac_log 2>&1 & iac=$$!; \
	$(BIN)/python tests/pg_cluster.py $(BIN)/pytest -n 2 --dist loadfile -rsx tests src/vpcsim --doctest-modules \
	  --ignore=tests/iac; main=$$?; \
	wait $$iac; iac_rc=$$?; \
	echo "== tests/iac (Terraform and Ansible against a live vpcsim), run beside the rest:"; cat $$iac_log; \
	rm -f $$iac_log; test $$main -eq 0 && test $$iac_rc -eq 0

# Terraform and Ansible against a live vpcsim, pending gaps failing too (issue 12); VPCSIM_IAC_ARTIFACTS=dir keeps
# every output. `make test` runs the same tests, with the pending gaps as expected failures.
iac: $(TEST_STAMP)
	$(BIN)/pytest tests/iac --runxfail -n 2 --dist loadfile -rsx $(IAC_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Re-resolve every dependency from PyPI and rewrite constraints.txt (a deliberate upgrade, committed on its own).
lock:
	$(PYTHON) scripts/lock.py

clean:
	rm -rf $(VENV)
