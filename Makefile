# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint docs bench bench-kl compare-loss compare clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dask,languages]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/topics nmf --input sample_corpora/essays --vectorizer tfidf --k 6

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The documentation site, offline, into build/site; --strict fails on any warning (a link to a
# missing page or anchor included). mkdocs comes from the docs extra.
DOCS_STAMP := $(VENV)/.installed-docs
$(DOCS_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/mkdocs build --strict --quiet

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-kl: $(STAMP)
	$(BIN)/python -m bench.kl

compare-loss: $(STAMP)
	$(BIN)/python scripts/compare_loss.py

# topiccli against scikit-learn, gensim and tomotopy (README, "Against the tools users pick
# instead"); 20 Newsgroups from TOPICS_20NG_ARCHIVE or ../shared/data; ~5 min on 2 cores.
compare: $(STAMP)
	$(BIN)/pip install -q -e '.[peers]'
	$(BIN)/python scripts/compare_peers.py --out bench/results/compare_peers.json

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
