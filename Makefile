# Stratus: two commands to a warehouse. `make demo`, then `make test`.
PYTHON      ?= python3
UV_VERSION  := 0.13.9
BOOTSTRAP   := .cache/bootstrap
UV          := $(BOOTSTRAP)/bin/uv
VENV        := .venv
BIN         := $(VENV)/bin
MELTANO     := $(BIN)/meltano
# Sandbox time runs this many times faster than real time, so the demo respects
# Shopify's and Amazon's real rate limits without waiting out real minutes.
DEMO_TIME_SCALE ?= 60

export UV_PYTHON_DOWNLOADS := never
# Ship compiled bytecode in every virtualenv (the project's and Meltano's plugin venvs, which
# Meltano builds with uv): with PYTHONDONTWRITEBYTECODE set, as on many CI machines, every tap,
# target, Meltano and dbt process would otherwise recompile its imports, ~1.5 s a start.
export UV_COMPILE_BYTECODE := 1
export MELTANO_SEND_ANONYMOUS_USAGE_STATS := false

# Channel payouts matched, missing and ambiguous in the bank, per channel and currency (make demo).
export PAYOUTS_TO_BANK := select source as channel, currency, count(*) filter (where status = 'matched') as matched, count(*) filter (where status = 'missing') as missing, count(*) filter (where status = 'ambiguous') as ambiguous, count(*) filter (where status = 'in_transit') as in_transit, count(*) filter (where status = 'unexplained') as unexplained_deposits from warehouse.payout_deposits group by source, currency order by source, currency

# What fulfilment cost, per ShipBob billing currency: fee lines by invoice type, and per order (make demo).
export FULFILLMENT_COST := select c.currency_code as currency, count(distinct c.invoice_id) as invoices, sum(c.amount) filter (where c.invoice_type = 'Shipping') as shipping, sum(c.amount) filter (where c.invoice_type = 'Return') as returns, sum(c.amount) filter (where c.invoice_type = 'Inbound Fee') as receiving, sum(c.amount) filter (where c.invoice_type = 'WarehouseStorage') as storage, sum(c.amount) as total, o.orders, o.per_order from warehouse.fulfillment_costs as c left join (select fulfillment_cost_currency, count(*) as orders, round(avg(fulfillment_cost), 2) as per_order from warehouse.orders where fulfillment_cost is not null group by 1) as o on o.fulfillment_cost_currency = c.currency_code group by c.currency_code, o.orders, o.per_order order by 1

.PHONY: install demo up test bench lint sql stop clean

$(UV):
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) Makefile pyproject.toml uv.lock taps/tap-shopify/pyproject.toml taps/tap-amazon-spapi/pyproject.toml taps/tap-shipbob/pyproject.toml taps/tap-freeagent/pyproject.toml taps/tap-common/pyproject.toml plugins/utilities/warehouse/pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

.meltano/.installed: $(VENV)/.installed meltano.yml plugins/postgres/pyproject.toml plugins/metrics/pyproject.toml
	$(MELTANO) install
	touch $@

install: .meltano/.installed  ## virtualenv, Meltano and every plugin

up: install  ## start the embedded warehouse and the sandbox (reuses running ones)
	$(BIN)/stratus-warehouse start
	$(BIN)/python -m sandbox start --time-scale $(DEMO_TIME_SCALE)

demo: up  ## run the whole pipeline against the sandbox and print a summary
	$(MELTANO) run tap-shopify target-postgres tap-shopify--outlet target-postgres tap-amazon-spapi target-postgres tap-shipbob target-postgres tap-freeagent target-postgres dbt-postgres:build
	$(BIN)/stratus-warehouse summary
	$(MELTANO) invoke stratus-metrics summary
	@echo "Payouts reconciled to the bank (warehouse.payout_deposits):"
	@$(BIN)/stratus-warehouse sql "$$PAYOUTS_TO_BANK"
	@echo "Fulfillment cost (warehouse.fulfillment_costs; per order: warehouse.orders.fulfillment_cost):"
	@$(BIN)/stratus-warehouse sql "$$FULFILLMENT_COST"

# Test files run in parallel workers (pytest-xdist), each file whole in one worker so its module
# fixtures (sandbox, warehouse, Meltano runs) are built once; files in testpaths order, the
# pipeline tests (the longest) first. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test: install  ## unit, tap and pipeline tests
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench: install  ## throughput, memory, API time and dbt time (about 15 minutes) -> bench/results/latest.md
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(VENV)/.installed  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy sandbox bench taps/tap-shopify/tap_shopify taps/tap-amazon-spapi/tap_amazon_spapi taps/tap-shipbob/tap_shipbob taps/tap-freeagent/tap_freeagent taps/tap-common/tap_common plugins/utilities/warehouse/stratus_warehouse plugins/postgres/stratus_postgres plugins/metrics/stratus_metrics

sql: $(VENV)/.installed  ## make sql Q="select ..." against the dev warehouse
	@test -n "$$Q" || (echo 'usage: make sql Q="select ..."' >&2; exit 2)
	@$(BIN)/stratus-warehouse sql "$$Q"

stop:  ## stop the warehouse and the sandbox
	-@test -x $(BIN)/stratus-warehouse && $(BIN)/stratus-warehouse stop
	-@test -x $(BIN)/python && $(BIN)/python -m sandbox stop

clean: stop  ## remove environments, plugin installs and warehouse data
	rm -rf $(VENV) .cache .meltano .stratus output transform/target transform/logs
