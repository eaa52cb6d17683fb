# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint imports typecheck pytest install migrate bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/storybot run

test: install lint imports typecheck pytest

lint: install
	$(BIN)/ruff check app bot storage news fakes tests bench

imports: install
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/cluster_quality.py

# The translation catalogs: extract every marked string into the template, then merge it into each language's
# .po (new strings arrive untranslated; tests/bot/test_i18n.py fails until they are translated). Sorted, without
# line numbers, so a catalog changes only where a message does.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k InvalidSchedule -k InvalidTopic --no-wrap --no-location --sort-output \
		--project storybot --version 0.1.0 --msgid-bugs-address https://github.com/storybot/storybot/issues \
		-o bot/locales/storybot.pot .
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete -D storybot \
		-i bot/locales/storybot.pot -d bot/locales

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
