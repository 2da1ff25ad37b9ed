#!/usr/bin/env bash
# make test: everything, from a clean state. Starts its own stand-ins on free ports, runs the
# template checks and every test, and leaves nothing running.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
START=$(date +%s)

ensure_tools
ensure_venv "$DEPLOY_VENV" "$ROOT/infra/tools/requirements-deploy.txt"

say "template checks: cfn-lint and sam validate --lint"
"$VENV/bin/cfn-lint" template.yaml
SAM_CLI_TELEMETRY=0 "$DEPLOY_VENV/bin/sam" validate --lint --template template.yaml --region us-east-1 >/dev/null

DDB_PORT=$(free_port); MOTO_PORT=$(free_port)
LOGS="$CF_CACHE/test-logs/$$"; mkdir -p "$LOGS"
PIDS=()
cleanup() { stop_pids "${PIDS[@]}"; }
trap cleanup EXIT INT TERM

aws_env "$DDB_PORT" "$MOTO_PORT"
export TABLE_NAME="cargoflow-test-$$" POD_BUCKET="cargoflow-pod-test-$$" EVENT_BUS_NAME="cargoflow-test-$$"
export WEBHOOK_QUEUE_NAME="cargoflow-webhooks-test-$$" WEBHOOK_DLQ_NAME="cargoflow-webhooks-dlq-test-$$"
load_env_files
export CARGOFLOW_STANDINS=1 RUST_BACKTRACE=0
# Every AWS call a function makes (tests, browser tests, fuzzing) is recorded here and checked
# against template.yaml's policies at the end (check-iam).
export AWS_CALL_LOG="$LOGS/aws-calls.jsonl"
# Tests that measure write their figures here (event-delivery-faults.json), printed at the end.
export TEST_REPORT_DIR="$LOGS"

say "building"
cargo build -q -p cargoflow-infra --bins
cargo test -q --no-run 2>&1 | grep -v '^\s*Executable' || true

say "starting DynamoDB Local on :$DDB_PORT and moto on :$MOTO_PORT"
start_standins "$DDB_PORT" "$MOTO_PORT" "$LOGS"
PIDS+=("$DDB_PID" "$MOTO_PID")
create_resources "$LOGS"

say "running the tests"
set +e +o pipefail
cargo test --no-fail-fast -- --test-threads=4 2>&1 | tee "$LOGS/cargo-test.log" | grep -E '^(running|test result)|FAILED|panicked'
status=${PIPESTATUS[0]}
set -e -o pipefail
if [ "$status" -ne 0 ]; then
  sed -n '/^failures:/,/^test result/p' "$LOGS/cargo-test.log" | head -200 || true
fi
say "web apps: OpenAPI document, types and form limits from it, lint (tsc, ESLint), unit tests, build"
set +e
(
  set -e
  "$CARGO_TARGET_DIR/debug/export-openapi" | cmp -s - docs/openapi.json || { echo "docs/openapi.json is stale: run 'make openapi' and commit it"; exit 1; }
  cd frontend
  frontend_deps
  npm run -s gen:api >/dev/null
  git diff --quiet -- src/types/api.d.ts src/types/api-limits.ts || { echo "frontend/src/types/api.d.ts or api-limits.ts is stale: run 'npm run gen:api' in frontend/ and commit them"; exit 1; }
  npm run -s lint
  npx vitest run --reporter=dot 2>&1 | tail -4
  npm run -s build >/dev/null
) >"$LOGS/frontend.log" 2>&1
web=$?
set -e
tail -4 "$LOGS/frontend.log"
if [ "$web" -ne 0 ]; then
  tail -40 "$LOGS/frontend.log"
  say "the web apps failed (log: $LOGS/frontend.log)"
fi

HOST_PORT=$(free_port)
LOCAL_HOST_PORT=$HOST_PORT STATIC_DIR=frontend/dist LOG_LEVEL=warn "$CARGO_TARGET_DIR/debug/local-host" >"$LOGS/local-host.log" 2>&1 &
PIDS+=("$!")
wait_port "$HOST_PORT" "local host" "$!"

# Before the fuzzing, whose failed logins would trip the per-address login throttle.
say "web apps end to end in Chromium (infra/scripts/e2e.sh; screenshots in frontend/e2e-artifacts/)"
set +e
bash infra/scripts/e2e.sh "http://127.0.0.1:$HOST_PORT" >"$LOGS/e2e.log" 2>&1
e2e=$?
set -e
grep -E '^\[e2e|^e2e:|^accessibility|^xx|Install it' "$LOGS/e2e.log" || true
if [ "$e2e" -ne 0 ]; then
  tail -40 "$LOGS/e2e.log"
  say "the browser tests failed (log: $LOGS/e2e.log)"
fi

say "fuzzing every route from the OpenAPI document (schemathesis: no 5xx; every status, content type and body as documented)"
FUZZ_SLUG="fuzz$(date +%s)"
# Registration is confirmed by email: the local host's inbox (/_local/mail) has the link.
curl -s -o /dev/null "http://127.0.0.1:$HOST_PORT/api/auth/register" -H 'content-type: application/json' \
  -d "{\"tenant_name\":\"Fuzz\",\"tenant_slug\":\"$FUZZ_SLUG\",\"email\":\"fuzz@$FUZZ_SLUG.example\",\"password\":\"StrongPass123!\",\"full_name\":\"Fuzz\"}"
CONFIRM=$(curl -s "http://127.0.0.1:$HOST_PORT/_local/mail?to=fuzz@$FUZZ_SLUG.example" \
  | python3 -c 'import json,sys,re; print(re.search(r"#token=([A-Za-z0-9_-]+)", json.load(sys.stdin)["messages"][0]["body"]).group(1))')
TOKEN=$(curl -s "http://127.0.0.1:$HOST_PORT/api/auth/register/confirm" -H 'content-type: application/json' \
  -d "{\"token\":\"$CONFIRM\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
set +e
"$VENV/bin/schemathesis" run "http://127.0.0.1:$HOST_PORT/api/schema/" -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 25 --seed 20261122 --no-color >"$LOGS/schemathesis.log" 2>&1
fuzz=$?
set -e
grep -E '^\s+[0-9]+ generated|passed|failed|Test cases' "$LOGS/schemathesis.log" | tail -3
if [ "$fuzz" -ne 0 ]; then
  tail -60 "$LOGS/schemathesis.log"
  say "schemathesis found a 5xx or an answer the OpenAPI document does not describe (full log: $LOGS/schemathesis.log)"
  [ "$status" -ne 0 ] || status=$fuzz
fi

if [ -f "$LOGS/event-delivery-faults.json" ]; then
  say "event delivery under faults (infra/tests/event_delivery_faults.rs): $(cat "$LOGS/event-delivery-faults.json")"
fi
say "IAM: every recorded AWS call against its function's policy in template.yaml (check-iam)"
set +e
"$CARGO_TARGET_DIR/debug/check-iam" template.yaml "$AWS_CALL_LOG" >"$LOGS/iam.log" 2>&1
iam=$?
set -e
grep -E '^iam:|^  ' "$LOGS/iam.log" | head -120
[ "$iam" -eq 0 ] || { say "calls not allowed by template.yaml (log: $LOGS/iam.log)"; [ "$status" -ne 0 ] || status=$iam; }

[ "$web" -eq 0 ] || [ "$status" -ne 0 ] || status=$web
[ "$e2e" -eq 0 ] || [ "$status" -ne 0 ] || status=$e2e

passed=$(grep -o '[0-9]* passed' "$LOGS/cargo-test.log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -o '[0-9]* failed' "$LOGS/cargo-test.log" | awk '{s+=$1} END {print s+0}')
say "took $(( $(date +%s) - START )) s; logs in $LOGS"
echo "${passed} passed, ${failed} failed"
exit "$status"
