# CargoFlow: `make dev` runs everything locally; `make test` tests everything from a clean state.
SHELL := /bin/bash
export CF_CACHE ?= $(HOME)/.cache/cargoflow
export CARGO_TARGET_DIR ?= $(CF_CACHE)/target

.PHONY: dev test lint openapi package package-one unit fmt localstack-resources verify e2e

dev: ## install what is missing, start the stand-ins, seed, serve API + web apps
	@bash infra/scripts/dev.sh

verify: ## the verification checklist, phase by phase, against a running `make dev` (B=<url>, PHASES="0 1 ...")
	@bash infra/scripts/verify.sh

test: ## everything: template checks, unit, integration (DynamoDB Local + moto)
	@bash infra/scripts/test.sh

e2e: ## the web apps end to end in Debian's chromium (own stand-ins and local host; screenshots in frontend/e2e-artifacts/)
	@bash infra/scripts/e2e.sh

unit: ## pure tests only (no stand-ins)
	cargo test --lib

lint: ## template checks and clippy
	@source infra/scripts/lib.sh && ensure_venv "$$VENV" infra/tools/requirements.txt && "$$VENV/bin/cfn-lint" template.yaml
	cargo clippy --workspace --all-targets -- -D warnings

openapi: ## write docs/openapi.json from the code
	cargo run -q -p cargoflow-infra --bin export-openapi > docs/openapi.json

package: ## build every function for Lambda with cargo-lambda (release); FUNCTIONS="health create-order" for some
	@bash infra/scripts/package.sh $(FUNCTIONS)

package-one: ## build one function with cargo-lambda (keeps the packaging path alive in CI)
	@bash infra/scripts/package.sh health

fmt:
	cargo fmt --all

localstack-resources: ## create the template's resources in a LocalStack on :4566 (see localstack/)
	set -a; source .env.example; set +a; \
	env -u AWS_ENDPOINT_URL_DYNAMODB -u AWS_ENDPOINT_URL_DYNAMODB_STREAMS -u AWS_ENDPOINT_URL_S3 \
	-u AWS_ENDPOINT_URL_SQS -u AWS_ENDPOINT_URL_EVENTBRIDGE AWS_ENDPOINT_URL=http://127.0.0.1:4566 \
	cargo run -q -p cargoflow-infra --bin create-resources template.yaml

.PHONY: bench bench-optimizer bench-functions
bench: ## every benchmark that needs no running stack: criterion (optimiser, webhook signing, JWT), TSPLIB, and the packaged functions
	cargo bench -p cargoflow-optimizer -p cargoflow-domain -p cargoflow-auth --benches
	@$(MAKE) --no-print-directory bench-optimizer
	@$(MAKE) --no-print-directory bench-functions

bench-functions: ## size, zip and cold start of every function `make package` built (a table; none built: says so)
	@if ls $(CARGO_TARGET_DIR)/lambda/*/bootstrap >/dev/null 2>&1; then python3 infra/bench/functions.py --runs $(or $(RUNS),10); \
	else echo "no packaged functions under $(CARGO_TARGET_DIR)/lambda: run make package first"; fi

bench-optimizer: ## route optimiser on TSPLIB instances (TSPLIB=<folder> to change)
	cargo run --release -q -p cargoflow-optimizer --bin bench-tsplib -- $(or $(TSPLIB),../shared/bench/tsplib)

bench-webhooks: ## webhook latency and throughput against a running `make dev` (URL=..., N=200)
	cargo run -q -p cargoflow-infra --bin bench-webhooks -- $(or $(URL),http://127.0.0.1:3000) $(or $(N),200)
