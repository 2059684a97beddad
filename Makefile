# The two commands of README.md: `make run` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app

.PHONY: run test bench bench-instructions bench-wait bench-locks kill-sandbox wrk install install-dev lock chromium axe npm accessibility screenshots translations
# The Procfile's web line, as a PaaS runs it (gunicorn, not Flask's development server).
run: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" sh -c "$$(sed -n 's/^web: *//p' Procfile)"

# The compiled catalogues are committed (the PaaS path runs no make); a test keeps them current.
# The tests run in parallel on pytest-xdist's workers (`-n auto`: see tests/conftest.py), each
# idle worker taking tests from the busiest one's queue (worksteal: the browser journeys last
# seconds, most tests milliseconds).
test: install-dev chromium axe
	$(VENV)/bin/pytest -n auto --dist worksteal $(PYTEST_ARGS)

# The accessibility guard alone: axe-core on every screen of every widget (README, Accessibility).
accessibility: install-dev chromium axe
	$(VENV)/bin/pytest -n auto --dist worksteal tests/browser/test_axe.py $(PYTEST_ARGS)

# docs/screenshots/: three screens in German and dark mode, taken in Chromium.
screenshots: install-dev chromium
	$(PY) docs/screenshots.py

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Each step's response time over many journeys (speed is measured here, not asserted in tests),
# then the bytes on the wire of the first add_connection screen, cold and warm.
bench: install-dev wrk
	$(PY) benchmarks/widget_journey.py --runs $${RUNS:-20}
	$(PY) benchmarks/first_screen_bytes.py
	$(PY) benchmarks/ratios.py

# Instructions per request under callgrind (repeatable; valgrind from Debian's packages).
bench-instructions: install-dev
	@command -v valgrind >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq valgrind; }
	$(PY) benchmarks/instructions.py $(KINDS)

# 100 bursts of 20 identical credential submissions across two processes sharing Redis, with a
# slow upstream: each must make exactly one connection.
bench-locks: install-dev
	$(PY) benchmarks/lock_bursts.py --bursts $${BURSTS:-100} --size $${SIZE:-20}

# 20 SIGKILLs of a loaded server (the Procfile's command): the sandbox database must survive all.
kill-sandbox: install-dev
	$(PY) benchmarks/kill_sandbox.py --runs $${RUNS:-20} --seed $${SEED:-1}

# N users polling the captive syncing screen for SECONDS, against the Procfile's command, and a
# bare Flask page under the same load (make bench-wait N=1000 SECONDS=60).
bench-wait: install-dev
	$(PY) benchmarks/waiting_users.py --users $(or $(N),200) --seconds $(or $(SECONDS),30)

install: $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt

install-dev: $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Regenerates both locks from requirements*.in, for Python 3.11 on every platform, keeping the
# pinned versions unless the .in files demand others. Upgrades: `make lock LOCK_ARGS=--upgrade`
# (everything) or `LOCK_ARGS="--upgrade-package flask"`. uv is pinned so the locks' format is too.
UV_VERSION := 0.13.9
UV_COMPILE := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

translations:
	$(FLASK) translate compile

# The ratios' load generator, from Debian's packages.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }

# The accessibility guard's axe-core (tests/browser/test_axe.py), from the npm registry at the
# version its package-lock.json pins; `npm ci` again only when that lock changes.
AXE := tests/browser/axe
axe: $(AXE)/node_modules/.package-lock.json
$(AXE)/node_modules/.package-lock.json: $(AXE)/package.json $(AXE)/package-lock.json | npm
	npm ci --prefix $(AXE) --no-audit --no-fund --loglevel=error

npm:
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq npm; }

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }
