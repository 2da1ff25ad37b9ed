#!/usr/bin/env bash
# Browser tests of the web apps (frontend/e2e/*.spec.ts, @playwright/test with
# frontend/playwright.config.ts) in a real Chromium: Debian's `chromium`, never a browser build
# of Playwright's own; accessibility checked with @axe-core/playwright.
#
#   infra/scripts/e2e.sh <base url>   against a running local host that serves the API and
#                                     frontend/dist on one origin (make test passes its own)
#   infra/scripts/e2e.sh              (make e2e) starts its own stand-ins and local host on free
#                                     ports, runs the tests, and stops everything again
#
# Screenshots, results.json and the traces of failed tests (npx playwright show-trace <zip>) go
# to frontend/e2e-artifacts/ (git-ignored). Arguments after the URL go to `playwright test`
# (e.g. `e2e.sh http://127.0.0.1:3000 driver-app` runs one spec file and the setup it needs).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
BASE_URL="${1:-${BASE_URL:-}}"
if [ "$#" -gt 0 ]; then shift; fi

# Debian's chromium: installed through apt-get when we may, otherwise say what to install.
find_chromium() {
  local candidate
  for candidate in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then CHROMIUM="$candidate"; return 0; fi
  done
  return 1
}
ensure_chromium() {
  find_chromium && return 0
  local apt=""
  if [ "$(id -u)" = 0 ]; then apt="apt-get"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then apt="sudo -n apt-get"
  fi
  if [ -n "$apt" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests ($apt install -y chromium)"
    $apt install -y -q chromium >/dev/null 2>&1 \
      || { $apt update -q >/dev/null 2>&1 && $apt install -y -q chromium >/dev/null 2>&1; } || true
  fi
  find_chromium && return 0
  die "The browser tests need Debian's chromium, which is not installed and could not be installed here.
   Install it:  sudo apt-get install -y chromium
   (or point CHROMIUM at a Chromium/Chrome binary). Nothing else is downloaded."
}

ensure_chromium
export CHROMIUM

frontend_deps
if [ ! -f frontend/dist/index.html ] || [ "${E2E_BUILD:-0}" = 1 ]; then
  say "building the web apps"
  (cd frontend && npm run -s build >/dev/null)
fi

PIDS=()
cleanup() { stop_pids "${PIDS[@]}"; }
trap cleanup EXIT INT TERM

if [ -z "$BASE_URL" ]; then
  ensure_tools
  load_env_files
  DDB_PORT=$(free_port); MOTO_PORT=$(free_port); HOST_PORT=$(free_port)
  LOGS="$CF_CACHE/e2e-logs/$$"; mkdir -p "$LOGS"
  aws_env "$DDB_PORT" "$MOTO_PORT"
  # The registration step reads the emailed confirmation link back from moto (SES stand-in).
  export MOTO_URL="http://127.0.0.1:$MOTO_PORT"
  export TABLE_NAME="cargoflow-e2e-$$" POD_BUCKET="cargoflow-pod-e2e-$$" EVENT_BUS_NAME="cargoflow-e2e-$$"
  export WEBHOOK_QUEUE_NAME="cargoflow-webhooks-e2e-$$" WEBHOOK_DLQ_NAME="cargoflow-webhooks-dlq-e2e-$$"
  say "building the local host"
  cargo build -q -p cargoflow-infra --bins
  say "starting DynamoDB Local, moto and the local host (logs in $LOGS)"
  start_standins "$DDB_PORT" "$MOTO_PORT" "$LOGS"
  PIDS+=("$DDB_PID" "$MOTO_PID")
  create_resources "$LOGS"
  LOCAL_HOST_PORT=$HOST_PORT STATIC_DIR=frontend/dist LOG_LEVEL=warn "$CARGO_TARGET_DIR/debug/local-host" >"$LOGS/local-host.log" 2>&1 &
  PIDS+=("$!")
  wait_port "$HOST_PORT" "local host" "$!"
  BASE_URL="http://127.0.0.1:$HOST_PORT"
fi

say "browser tests against $BASE_URL with $CHROMIUM"
(cd frontend && BASE_URL="$BASE_URL" CHROMIUM="$CHROMIUM" npx --no-install playwright test "$@")
