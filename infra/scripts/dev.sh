#!/usr/bin/env bash
# make dev: install what is missing, start the stand-ins, create the resources, seed demo
# data, serve the API and the web apps. Ctrl-C stops everything it started.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_tools
load_env_files
DDB_PORT="${DYNAMODB_PORT:-8000}"; MOTO_PORT="${MOTO_PORT:-4566}"
aws_env "$DDB_PORT" "$MOTO_PORT"
LOGS="$CF_CACHE/dev-logs"; mkdir -p "$LOGS"

say "building the local host (cargo, target dir $CARGO_TARGET_DIR)"
cargo build -q -p cargoflow-infra --bins
BIN="$CARGO_TARGET_DIR/debug"

if [ -f frontend/package.json ]; then
  say "building the web apps (frontend/)"
  frontend_deps
  (cd frontend && npm run -s build) \
    || say "the web apps did not build; the API still runs"
fi

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  stop_pids "${PIDS[@]}"
}
trap cleanup INT TERM EXIT

if port_open "$DDB_PORT" || port_open "$MOTO_PORT"; then
  die "port $DDB_PORT or $MOTO_PORT is busy: is another 'make dev' running? Stop it (Ctrl-C) or set DYNAMODB_PORT/MOTO_PORT."
fi
say "starting DynamoDB Local on :$DDB_PORT and moto on :$MOTO_PORT (logs in $LOGS)"
start_standins "$DDB_PORT" "$MOTO_PORT" "$LOGS"
PIDS+=("$DDB_PID" "$MOTO_PID")

say "creating resources from template.yaml"
create_resources "$LOGS"
# Links in the platform's email point at the local host.
export WEB_URL="${WEB_URL:-http://${LOCAL_HOST_BIND:-127.0.0.1}:${LOCAL_HOST_PORT:-3000}}"
say "seeding demo data"
"$BIN/seed-demo" | tee "$LOGS/seed.txt"

"$BIN/local-host" >"$LOGS/local-host.log" 2>&1 &
PIDS+=("$!")
wait_port "${LOCAL_HOST_PORT:-3000}" "local host" "$!"

URL="http://${LOCAL_HOST_BIND:-127.0.0.1}:${LOCAL_HOST_PORT:-3000}"
cat <<MSG

  CargoFlow is running.
    Web apps        $URL/            (ops console: /login, driver app: /driver/login)
    API             $URL/api/
    API docs        $URL/api/docs/
    OpenAPI         $URL/api/schema/
    Health          $URL/api/health/
    Local inbox     $URL/_local/mail  (email SES accepted: registration links)
    Logs            $LOGS/ (local-host.log, dynamodb.log, moto.log)

  Demo logins are listed above (seed-demo). Stop with Ctrl-C.

MSG
wait -n "${PIDS[@]}" || true
say "a process exited (see $LOGS); stopping the rest"
