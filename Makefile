# The two commands of README.md: `make run` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app

.PHONY: run test bench install install-dev chromium translations
run: install translations
	$(FLASK) run --port $${PORT:-5000} --with-threads

test: install-dev chromium translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Each step's response time over many journeys (speed is measured here, not asserted in tests),
# then the bytes on the wire of the first add_connection screen, cold and warm.
bench: install-dev translations
	$(PY) benchmarks/widget_journey.py --runs $${RUNS:-20}
	$(PY) benchmarks/first_screen_bytes.py

install: $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt

install-dev: $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

translations:
	$(FLASK) translate compile

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }
