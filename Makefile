# The whole set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# torch first and pinned: on the build machines 2.13.0 is a CPU wheel on disk,
# while an unpinned torch pulls a multi-GB CUDA build. Never torchvision.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test install install-dev lint bench clean ner-model

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "$(TORCH_SPEC)"
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(VENV)/bin/dsm-clinic demo --force $(or $(DIR),demo-workspace)

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check dsm_clinic tests benchmarks

# The NER shipped in the package, rebuilt from tests/data and seeded synthetic notes (~3 min).
ner-model: $(VENV)/.installed
	rm -rf dsm_clinic/deid/data/ner
	$(PY) -m dsm_clinic.deid.ner_train tests/data dsm_clinic/deid/data/ner

bench: $(VENV)/.installed-dev
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-workspace build *.egg-info
