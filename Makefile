# Shortcuts; the README's two commands are the scripts themselves (make is not on every fresh machine).
.PHONY: run test bench
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
bench:
	bash -c 'source scripts/bootstrap.sh && $$UV run --frozen python bench/run.py'
