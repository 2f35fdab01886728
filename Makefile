# The two commands of the README, and the helpers around them.
# Settings are environment variables, documented in scripts/lib.sh.
.PHONY: help run test lint setup bench bridge

help:
	@echo "make run    set up what is missing and serve Odoo with the cx addons on http://localhost:8069"
	@echo "make test   set up what is missing and run the whole test suite on a throw-away database"
	@echo "make lint   ruff on the repository"
	@echo "make setup  only the set-up steps (system packages, Odoo source, venv, PostgreSQL)"
	@echo "make bridge the AMI bridge of cx_telephony on the make run database"
	@echo "make bench  the benchmarks of bench/ (ARGS=\"helpdesk million\", ARGS=telephony, ARGS=mywork, ARGS=c360...)"

run:
	@bash scripts/run.sh $(ARGS)

test:
	@bash scripts/test.sh $(ARGS)

lint:
	@bash scripts/lint.sh

setup:
	@bash -c 'source scripts/lib.sh && cx_setup'

bench:
	@bash bench/run.sh $(ARGS)

bridge:
	@bash scripts/bridge.sh $(ARGS)
