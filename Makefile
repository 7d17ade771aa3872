# The two commands of the README: `make run` and `make test`. Both set everything up first.
.PHONY: setup run test bench lint

setup:
	@scripts/setup.sh

run: setup
	.venv/bin/inplace demo

test: setup
	.venv/bin/lint-imports --no-cache
	.venv/bin/ruff check engine gui tests bench
	.venv/bin/python -m pytest -q

bench: setup
	.venv/bin/python bench/bench_import.py
