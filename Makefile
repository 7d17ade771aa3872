# The two commands of the README: `make run` and `make test`. Both set everything up first.
.PHONY: setup run demo test bench bench-ssh-x

setup:
	@scripts/setup.sh

run: setup
	.venv/bin/inplace-wizard

demo: setup
	.venv/bin/inplace demo

test: setup
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy engine
	.venv/bin/ruff check engine gui tests bench packaging
	.venv/bin/python -m pytest -q
	.venv/bin/python -m pytest -q tests/engine --catalog=postgresql  # the engine again, its catalog on PostgreSQL

bench: setup
	.venv/bin/python bench/bench_import.py
	.venv/bin/python bench/bench_scale.py
	.venv/bin/python bench/bench_wizard_scale.py
	.venv/bin/python bench/bench_verify.py
	.venv/bin/python bench/bench_postgres.py
	.venv/bin/python bench/bench_gui_stall.py
	$(MAKE) bench-ssh-x

# The wizard over a real ssh -X (bytes, and the import's time on a slow link); its own Debian packages.
bench-ssh-x: setup
	@test -x /usr/sbin/sshd && command -v ssh >/dev/null && command -v xauth >/dev/null && command -v Xvfb >/dev/null \
		|| apt-get install -y -q openssh-server openssh-client xauth xvfb
	.venv/bin/python bench/bench_ssh_x.py
