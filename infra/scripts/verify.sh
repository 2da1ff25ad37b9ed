#!/usr/bin/env bash
# make verify: runs the seed's verification checklist (docs/VERIFY.md), phase by phase, against
# a running `make dev`, and prints PASS/FAIL for every step and a summary. Exit 1 on a failure.
#
#   make verify                         # against http://127.0.0.1:3000
#   B=http://127.0.0.1:3001 make verify # another local host
#   PHASES="1 2" make verify            # some phases only (0..7)
#
# Needs bash, curl, jq and python3 (standard library). Every run registers its own tenant
# (verify-<time>), so runs do not disturb each other or the demo data; the demo tenants (acme,
# globex from seed-demo) are used read-only, for the isolation checks.
set -uo pipefail

B="${B:-${URL:-http://127.0.0.1:3000}}"
WS="${WS:-${B/http/ws}}"
PHASES="${PHASES:-0 1 2 3 4 5 6 7}"
HERE="$(cd "$(dirname "$0")" && pwd)"
HELP="$HERE/verify_helpers.py"
TMP="$(mktemp -d)"
PASS=0; FAIL=0; FAILED=()
RECV_PID=""
trap '[ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

for tool in curl jq python3; do
  command -v "$tool" >/dev/null || { echo "verify needs $tool"; exit 2; }
done

green() { printf '\033[32m%s\033[0m' "$*"; }
red() { printf '\033[31m%s\033[0m' "$*"; }
phase() { printf '\n\033[1m== Phase %s\033[0m\n' "$*"; }
wants() { [[ " $PHASES " == *" $1 "* ]]; }

# step "<name>" <command...>: PASS when the command succeeds.
step() {
  local name="$1"; shift
  local out
  if out=$("$@" 2>&1); then
    PASS=$((PASS + 1)); printf '  %s %s\n' "$(green PASS)" "$name"
  else
    FAIL=$((FAIL + 1)); FAILED+=("$name"); printf '  %s %s\n' "$(red FAIL)" "$name"
    [ -n "$out" ] && printf '%s\n' "$out" | head -5 | sed 's/^/         /'
  fi
  return 0
}

# req METHOD PATH [TOKEN] [BODY] [extra curl args...]: sets S (status) and writes the body to
# $TMP/body, the headers to $TMP/headers. Prints nothing.
req() {
  local method="$1" path="$2" token="${3:-}" body="${4:-}"; shift 4 2>/dev/null || shift $#
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" "$B$path")
  [ -n "$token" ] && args+=(-H "authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'content-type: application/json' --data-binary "$body")
  S=$(curl "${args[@]}" "$@" 2>/dev/null) || S=000
}
J() { jq -r "$1" "$TMP/body" 2>/dev/null; }
# is <want> : the last status was <want>; prints the body otherwise.
is() { [ "$S" = "$1" ] || { echo "HTTP $S (wanted $1): $(head -c 300 "$TMP/body")"; return 1; }; }
# has <jq expression>: the last body makes the expression true.
has() { [ "$(J "$1")" = "true" ] || { echo "not true: $1 in $(head -c 300 "$TMP/body")"; return 1; }; }
both() { is "$1" && has "$2"; }
header() { grep -i "^$1:" "$TMP/headers" | head -1 | cut -d: -f2- | tr -d ' \r'; }

login() { # email password -> access token (empty on failure)
  curl -s "$B/api/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r '.access_token // empty'
}

RUN="$(date +%s)$((RANDOM % 1000))"
SLUG="verify-$RUN"
EMAIL="ops@$SLUG.example"
PW="StrongPass123!"
TODAY="$(date -u +%F)"
FUTURE="$(date -u -d '+20 days' +%F 2>/dev/null || python3 -c 'import datetime;print((datetime.date.today()+datetime.timedelta(days=20)).isoformat())')"

order_body() { # ref lat -> an order with coordinates and a 5 kg package
  printf '{"reference_code":"%s","customer_name":"Verify Customer","customer_phone":"+918888887777","notes":"internal: gate code 1234","package":{"weight_kg":5},"stops":[{"sequence_index":1,"type":"PICKUP","address_line":"Warehouse","city":"Bengaluru","lat":12.9698,"lng":77.75},{"sequence_index":2,"type":"DROP","address_line":"Customer Address","city":"Bengaluru","lat":%s,"lng":77.6412}]}' "$1" "$2"
}
new_order() { req POST /api/ops/orders "$A" "$(order_body "$1" "${2:-12.9719}")"; J .id; }

echo "CargoFlow verification against $B (tenant $SLUG)"
req GET /api/health/ "" ""
if [ "$S" = 000 ]; then
  echo "$(red "nothing answers at $B"): start the stack with 'make dev' first"; exit 2
fi

# ---------------------------------------------------------------------------------- phase 0
if wants 0; then
  phase "0: scaffold (health, schema, docs, CORS, web app)"
  req GET /api/health/ "" ""; step "health answers ok with DynamoDB checked" both 200 '.status == "ok" and .checks.dynamodb == "ok"'
  req GET /api/schema/ "" ""; step "OpenAPI 3.1 document at /api/schema/" both 200 '.openapi | startswith("3.1")'
  req GET /api/docs/ "" ""; step "Swagger UI at /api/docs/ (no CDN)" is 200
  req GET /docs-assets/swagger-ui-bundle.js "" ""; step "its files come with the web apps (/docs-assets/)" is 200
  step "docs page loads no script from a CDN" bash -c "! grep -Eiq 'src=\"https?://' '$TMP/body'"
  req OPTIONS /api/ops/drivers "" "" -H 'origin: http://localhost:5173' -H 'access-control-request-method: POST'
  step "CORS preflight allows the web app's origin" bash -c "grep -qi '^access-control-allow-origin' '$TMP/headers'"
  req GET / "" ""; step "web app served at / (HTML)" bash -c "[ '$S' = 200 ] && grep -qi '<html' '$TMP/body'"
  step "with CloudFront's security headers (CSP without inline script, frame-ancestors none)" bash -c "grep -qi \"^content-security-policy:.*script-src 'self';.*frame-ancestors 'none'\" '$TMP/headers' && grep -qi '^x-frame-options: DENY' '$TMP/headers'"
  req GET /api/nope "" ""; step "unknown API path is 404 JSON, not the SPA" is 404
fi

# ---------------------------------------------------------------------------------- phase 1
A=""; RT=""
# The refresh token only ever travels in the httpOnly cookie: read it from the headers.
cookie() { grep -i '^set-cookie: cf_rt_ops=' "$TMP/headers" | head -1 | sed 's/^[^=]*=//; s/;.*//' | tr -d '\r'; }
# The newest registration link the local inbox (SES in moto, shown by the local host) holds.
mail_token() { curl -s "$B/_local/mail?to=$1" | jq -r '[.messages[].body | capture("#token=(?<t>[A-Za-z0-9_-]+)").t][0] // empty'; }
register() {
  req POST /api/auth/register "" "{\"tenant_name\":\"Verify $RUN\",\"tenant_slug\":\"$SLUG\",\"email\":\"$EMAIL\",\"password\":\"$PW\",\"full_name\":\"Verify Admin\"}"
  [ "$S" = 202 ] || return 0
  req POST /api/auth/register/confirm "" "{\"token\":\"$(mail_token "$EMAIL")\"}"
  [ "$S" = 201 ] && { A=$(J .access_token); RT=$(cookie); }
}
register
if [ -z "$A" ]; then echo "$(red "could not register tenant $SLUG"): HTTP $S $(head -c 300 "$TMP/body")"; exit 1; fi
ACME=$(login admin@acme.example DemoPass123!)
GLOBEX=$(login admin@globex.example DemoPass123!)

if wants 1; then
  phase "1: auth, tenancy, scoped tokens, roles, throttling"
  step "register (202), confirm from the emailed link (201): tokens" test -n "$A"
  step "the refresh token is only in an httpOnly SameSite=Strict cookie" bash -c "[ -n '$RT' ] && ! grep -q refresh_token '$TMP/body'"
  req POST /api/auth/register "" "{\"tenant_name\":\"Y\",\"tenant_slug\":\"y$RUN\",\"email\":\"$EMAIL\",\"password\":\"$PW\",\"full_name\":\"Y\"}"
  step "registering a taken email answers like a new one (202)" both 202 '.status == "verification_sent"'
  req POST /api/auth/register/confirm "" '{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'
  step "an unknown confirmation token: 400 naming token" both 400 '.error.fields | has("token")'
  req GET /api/auth/jwks "" ""
  step "JWKS lists Ed25519 public keys with kids, no private part" both 200 '(.keys | length) >= 1 and all(.keys[]; .kty == "OKP" and .crv == "Ed25519" and (.kid | length) > 0 and has("d") == false)'
  req GET /api/auth/me "$A" ""; step "me: OPS_ADMIN of the new tenant" both 200 ".user.role == \"OPS_ADMIN\" and .tenant.slug == \"$SLUG\""
  req POST /api/auth/register "" "{\"tenant_name\":\"X\",\"tenant_slug\":\"$SLUG\",\"email\":\"x$RUN@y.example\",\"password\":\"$PW\",\"full_name\":\"X\"}"
  step "same slug again: 409 naming tenant_slug" both 409 '.error.fields | has("tenant_slug")'
  req POST /api/auth/register "" '{"tenant_name":"","tenant_slug":"A","email":"nope","password":"short","full_name":""}'
  step "bad registration: 400 with every field" both 400 '(.error.fields | keys | length) >= 4'
  req GET /api/ops/drivers "" ""; step "no token: 401" is 401
  req GET /api/ops/drivers "not-a-jwt" ""; step "garbage token: 401" is 401
  req POST /api/auth/refresh "" '{"realm":"ops"}' -H "cookie: cf_rt_ops=$RT"; RT2=$(cookie)
  step "refresh (cookie) rotates the refresh token" bash -c "[ '$S' = 200 ] && [ -n '$RT2' ] && [ '$RT2' != '$RT' ]"
  req POST /api/auth/refresh "" '{"realm":"ops"}' -H "cookie: cf_rt_ops=$RT"
  step "the old token again within the grace window: the same successor" bash -c "[ '$S' = 200 ] && [ \"\$(grep -i '^set-cookie: cf_rt_ops=' '$TMP/headers' | sed 's/^[^=]*=//; s/;.*//' | tr -d '\r')\" = '$RT2' ]"
  req POST /api/auth/refresh "" '{"realm":"ops"}'; step "no refresh cookie: 401" is 401
  req POST /api/auth/refresh "" '{"realm":"ops"}' -H "cookie: cf_rt_ops=$A"; step "an access token is not a refresh token: 401" is 401
  A2=$(curl -s "$B/api/auth/refresh" -H 'content-type: application/json' -H "cookie: cf_rt_ops=$RT2" -d '{"realm":"ops"}' | jq -r '.access_token // empty')
  req POST /api/auth/logout "$A2" ""; step "logout (access token) ends the session: 204" is 204
  req POST /api/auth/refresh "" '{"realm":"ops"}' -H "cookie: cf_rt_ops=$RT2"; step "a logged-out session cannot refresh: 401" is 401
  A=$(login "$EMAIL" "$PW")
  req POST /api/ops/users "$A" "{\"email\":\"dispatch@$SLUG.example\",\"password\":\"$PW\",\"full_name\":\"Verify Dispatcher\",\"role\":\"OPS_DISPATCHER\"}"
  step "admin creates an OPS_DISPATCHER" is 201
  DISP=$(login "dispatch@$SLUG.example" "$PW")
  req POST /api/ops/users "$DISP" "{\"email\":\"x$RUN@$SLUG.example\",\"password\":\"$PW\",\"full_name\":\"X\",\"role\":\"OPS_ADMIN\"}"
  step "dispatcher cannot manage users (403)" is 403
  req PUT /api/ops/settings/webhook "$DISP" '{"enabled":false,"events":["*"]}'
  step "dispatcher cannot change webhook settings (403)" is 403
  req POST /api/ops/drivers "$DISP" "{\"name\":\"Ravi Kumar\",\"phone\":\"+919900001111\",\"email\":\"ravi@$SLUG.example\",\"password\":\"DriverPass123!\",\"is_active\":true}"
  step "dispatcher creates a driver with a login" is 201; DRV1=$(J .id)
  req POST /api/ops/vehicles "$A" '{"plate_number":"KA01AB1234","type":"VAN","capacity_kg":1200}'
  step "create a vehicle" is 201
  req POST /api/ops/vehicles "$A" '{"plate_number":"KA01AB1234","type":"VAN","capacity_kg":1200}'
  step "same plate again: 409" is 409
  req POST /api/ops/vehicles "$A" '{"plate_number":"#","type":"ROCKET","capacity_kg":-1}'
  step "bad vehicle: 400 naming the fields" both 400 '.error.fields | has("plate_number") and has("type") and has("capacity_kg")'
  D=$(login "ravi@$SLUG.example" DriverPass123!)
  step "the driver logs in" test -n "$D"
  req GET /api/ops/drivers "$D" ""; step "driver token on an ops route: 403" is 403
  req GET /api/driver/me "$A" ""; step "ops token on a driver route: 403" is 403
  req GET /api/driver/me "$D" ""; step "driver/me names the driver" both 200 '.driver.name == "Ravi Kumar"'
  if [ -n "$ACME" ]; then
    req GET "/api/ops/drivers/$DRV1" "$ACME" ""; step "tenant isolation: acme cannot read this tenant's driver (404)" is 404
    req GET "/api/ops/drivers?limit=100" "$ACME" ""; step "tenant isolation: acme's driver list has none of ours" has "[.items[].id] | index(\"$DRV1\") == null"
    req PATCH "/api/ops/drivers/$DRV1" "$ACME" '{"name":"Hijacked"}'; step "tenant isolation: acme cannot change our driver (404)" is 404
  else
    step "demo tenant acme can log in (run make dev: seed-demo)" false
  fi
  # Five wrong passwords block the account: from a throwaway source address, so the per-address
  # counter of 127.0.0.1 (which the demo logins use) is not spent.
  IFACE="127.0.0.$((RANDOM % 200 + 20))"
  codes=""
  for _ in 1 2 3 4 5 6; do
    codes+="$(curl -s -o /dev/null -w '%{http_code} ' --interface "$IFACE" "$B/api/auth/login" -H 'content-type: application/json' \
      -d "{\"email\":\"dispatch@$SLUG.example\",\"password\":\"WrongPass123!\"}")"
  done
  step "five wrong passwords, then 429 (got: $codes)" bash -c "[[ '$codes' == *429* ]]"
  curl -s -D "$TMP/headers" -o /dev/null --interface "$IFACE" "$B/api/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"dispatch@$SLUG.example\",\"password\":\"$PW\"}"
  step "a blocked login says Retry-After" bash -c "[ -n \"\$(grep -i '^retry-after:' '$TMP/headers')\" ]"
fi
[ -z "${D:-}" ] && {
  req POST /api/ops/drivers "$A" "{\"name\":\"Ravi Kumar\",\"phone\":\"+919900001111\",\"email\":\"ravi@$SLUG.example\",\"password\":\"DriverPass123!\",\"is_active\":true}"
  req POST /api/ops/vehicles "$A" '{"plate_number":"KA01AB1234","type":"VAN","capacity_kg":1200}'
  D=$(login "ravi@$SLUG.example" DriverPass123!)
}

# ---------------------------------------------------------------------------------- phase 2
if wants 2; then
  phase "2: orders, stops, status machine, history, exceptions, idempotency, CSV"
  KEY="verify-$RUN-1"
  req POST /api/ops/orders "$A" "$(order_body "CF-$RUN" 12.9719)" -H "idempotency-key: $KEY"
  step "create an order with stops: 201 CREATED with a tracking token" both 201 '.status == "CREATED" and (.tracking_token | length) >= 20 and (.stops | length) == 2'
  O=$(J .id)
  req POST /api/ops/orders "$A" "$(order_body "CF-$RUN" 12.9719)" -H "idempotency-key: $KEY"
  step "same Idempotency-Key and body: the same order, replayed" bash -c "[ '$S' = 201 ] && [ \"\$(jq -r .id '$TMP/body')\" = '$O' ] && grep -qi '^idempotent-replayed: *true' '$TMP/headers'"
  req POST /api/ops/orders "$A" "$(order_body "CF-$RUN-X" 12.9719)" -H "idempotency-key: $KEY"
  step "same key, different body: 422" is 422
  req POST /api/ops/orders "$A" "$(order_body "CF-$RUN" 12.9719)"
  step "same reference code again: 409 naming reference_code" both 409 '.error.fields | has("reference_code")'
  req POST /api/ops/orders "$A" '{"reference_code":"X-1","customer_name":"X","customer_phone":"+918888887777","stops":[{"sequence_index":1,"type":"DROP","address_line":"a","city":"b"},{"sequence_index":2,"type":"PICKUP","address_line":"c","city":"d"}]}'
  step "DROP before PICKUP: 400 naming stops" both 400 '.error.fields | keys | any(startswith("stops"))'
  req POST /api/ops/orders "$A" '{"reference_code":"X-2","customer_name":"X","customer_phone":"12345","stops":[{"sequence_index":1,"type":"PICKUP","address_line":"a","city":"b","lat":95,"lng":0},{"sequence_index":2,"type":"DROP","address_line":"c","city":"d"}]}'
  step "bad phone and latitude: 400 naming both" both 400 '.error.fields | has("customer_phone") and has("stops[0].lat")'
  req PATCH "/api/ops/orders/$O" "$A" '{"status":"DELIVERED"}'
  step "status is never patchable: 400" is 400
  req PATCH "/api/ops/orders/$O" "$A" '{"customer_name":"Ananya Sharma"}'
  step "edit an order: 200, version up" both 200 '.customer_name == "Ananya Sharma" and .version >= 2'
  req GET "/api/ops/orders?q=ananya" "$A" ""
  step "search finds it by customer name" has "[.items[].id] | index(\"$O\") != null"
  if [ -n "$ACME" ]; then
    req GET "/api/ops/orders/$O" "$ACME" ""; step "tenant isolation: acme cannot read our order (404)" is 404
    req POST "/api/ops/orders/$O/cancel" "$ACME" '{"reason":"x"}'; step "tenant isolation: acme cannot cancel our order (404)" is 404
  fi
  req POST "/api/ops/orders/$O/cancel" "$A" '{"reason":"Customer cancelled"}'
  step "cancel: CREATED -> CANCELLED" both 200 '.status == "CANCELLED"'
  req POST "/api/ops/orders/$O/cancel" "$A" '{"reason":"again"}'
  step "cancel a final order: 409 invalid_transition with the current status" both 409 '.error.code == "invalid_transition" and .error.details.current_status == "CANCELLED"'
  req GET "/api/ops/orders/$O" "$A" ""
  step "history: CREATED then CREATED -> CANCELLED by OPS, oldest first" has '(.history | length) == 2 and .history[0].to_status == "CREATED" and .history[1].from_status == "CREATED" and .history[1].to_status == "CANCELLED" and .history[1].actor_type == "OPS"'
  O2=$(new_order "EXC-$RUN")
  req POST "/api/ops/orders/$O2/exceptions" "$A" '{"type":"DAMAGED","notes":"Box crushed"}'
  step "raise an exception: OPEN" both 201 '.status == "OPEN"'; E=$(J .id)
  req POST "/api/ops/exceptions/$E/ack" "$A" '{"note":"Investigating"}'; step "acknowledge it" both 200 '.status == "ACKNOWLEDGED"'
  req POST "/api/ops/exceptions/$E/resolve" "$A" '{"resolution":"Replaced"}'; step "resolve it" both 200 '.status == "RESOLVED" and .resolved_at != null'
  req POST "/api/ops/exceptions/$E/ack" "$A" '{"note":"late"}'; step "acknowledge a resolved exception: 409" is 409
  req POST "/api/ops/orders/$O2/exceptions" "$A" '{"type":"ALIENS"}'; step "unknown exception type: 400" is 400
  req GET "/api/ops/exceptions?status=RESOLVED" "$A" ""; step "list exceptions by status" has "[.items[].id] | index(\"$E\") != null"
  if [ -n "$ACME" ]; then
    req POST "/api/ops/exceptions/$E/resolve" "$ACME" '{"resolution":"x"}'; step "tenant isolation: acme cannot touch our exception (404)" is 404
  fi
  CSV="reference_code,customer_name,customer_phone,pickup_address,pickup_city,drop_address,drop_city
CSV-$RUN-1,Good,+918888887777,W,Bengaluru,D,Bengaluru
CSV-$RUN-2,Bad,12345,W,Bengaluru,D,Bengaluru"
  S=$(curl -s -o "$TMP/body" -w '%{http_code}' "$B/api/ops/orders/import" -H "authorization: Bearer $A" -H 'content-type: text/csv' --data-binary "$CSV")
  step "CSV import: 202 with a queued job" both 202 '.status == "QUEUED" and .total_rows == 2'; JOB=$(J .id)
  for _ in $(seq 1 60); do
    req GET "/api/ops/imports/$JOB" "$A" ""
    jq -e '.status | IN("SUCCEEDED", "PARTIAL", "FAILED")' "$TMP/body" >/dev/null && break; sleep 0.5
  done
  step "CSV import job: one row created, one refused with its field" both 200 '.status == "PARTIAL" and .created == 1 and .failed == 1 and (.rows[1].errors | has("customer_phone"))'
  if [ -n "$ACME" ]; then
    req GET "/api/ops/imports/$JOB" "$ACME" ""; step "tenant isolation: acme cannot read our import (404)" is 404
  fi
fi

# ---------------------------------------------------------------------------------- phase 3
if wants 3; then
  phase "3: routes, assignment rules, reorder, optimisation, ETAs, jobs"
  req GET "/api/ops/drivers" "$A" ""; DRV=$(J '.items[0].id')
  req GET "/api/ops/vehicles" "$A" ""; VEH=$(J '[.items[] | select(.is_active)][0].id')
  R1=$(new_order "RT-$RUN-1" 12.93); R2=$(new_order "RT-$RUN-2" 12.99); R3=$(new_order "RT-$RUN-3" 12.95)
  req POST /api/ops/routes "$A" "{\"route_date\":\"$FUTURE\",\"driver_id\":\"$DRV\",\"vehicle_id\":\"$VEH\",\"order_ids\":[\"$R1\",\"$R2\"],\"optimize\":true}"
  step "create an optimised route: PLANNED, stops with ETAs, a distance" both 201 '.status == "PLANNED" and (.stops | length) == 4 and (.stops | all(.scheduled_eta != null)) and .total_distance_m > 0'
  RID=$(J .id); STOPS=$(jq -c '[.stops[].stop_id]' "$TMP/body")
  req GET "/api/ops/orders/$R1" "$A" ""
  step "its orders are ASSIGNED to the route, with history" has ".status == \"ASSIGNED\" and .route_id == \"$RID\" and (.history | map(.to_status) | index(\"ASSIGNED\") != null)"
  req POST /api/ops/routes "$A" "{\"route_date\":\"$FUTURE\",\"driver_id\":\"$DRV\",\"vehicle_id\":\"$VEH\",\"order_ids\":[]}"
  step "the same driver on the same date: 409 driver_busy" both 409 '.error.code == "driver_busy"'
  req POST /api/ops/routes "$A" "{\"route_date\":\"$(date -u -d '+21 days' +%F)\",\"driver_id\":\"$DRV\",\"vehicle_id\":\"$VEH\",\"order_ids\":[\"$R1\"]}"
  step "an order already on a route: 409 order_not_assignable" both 409 '.error.code == "order_not_assignable"'
  req POST "/api/ops/routes/$RID/reorder" "$A" "{\"stop_order\": $(echo "$STOPS" | jq -c 'reverse')}"
  step "reorder with a DROP before its PICKUP: 400" is 400
  GOOD=$(jq -c '[.stops[] | select(.type == "PICKUP") | .stop_id] + ([.stops[] | select(.type == "DROP") | .stop_id] | reverse)' <<<"$(curl -s "$B/api/ops/routes/$RID" -H "authorization: Bearer $A")")
  req POST "/api/ops/routes/$RID/reorder" "$A" "{\"stop_order\": $GOOD}"
  step "a valid reorder: 200, stops in that order, ETAs recomputed" both 200 "[.stops[].stop_id] == $GOOD and (.stops | all(.scheduled_eta != null))"
  req POST "/api/ops/routes/$RID/optimize" "$A" ""
  step "optimise: 200, optimized" both 200 '.optimized == true'
  req POST "/api/ops/routes/$RID/orders" "$A" "{\"order_ids\":[\"$R3\"],\"optimize\":true}"
  step "add an order to the route" both 200 "(.order_ids | index(\"$R3\")) != null"
  req DELETE "/api/ops/routes/$RID/orders/$R3" "$A" ""
  step "remove it again: the order is CREATED" bash -c "[ '$S' = 200 ] && [ \"\$(curl -s '$B/api/ops/orders/$R3' -H 'authorization: Bearer $A' | jq -r .status)\" = CREATED ]"
  req GET "/api/ops/routes?date=$FUTURE" "$A" ""; step "list routes by date" has "[.items[].id] | index(\"$RID\") != null"
  step "route_date is a YYYY-MM-DD string" has "[.items[] | select(.id == \"$RID\") | .route_date] == [\"$FUTURE\"]"
  req GET "/api/ops/routes/$RID" "$A" ""; step "route detail has orders, driver, vehicle, progress" both 200 '(.orders | length) == 2 and .driver.id != null and .vehicle.id != null and .progress != null'
  if [ -n "$ACME" ]; then
    req GET "/api/ops/routes/$RID" "$ACME" ""; step "tenant isolation: acme cannot read our route (404)" is 404
    req POST /api/ops/routes "$ACME" "{\"route_date\":\"$FUTURE\",\"driver_id\":\"$DRV\",\"vehicle_id\":\"$VEH\",\"order_ids\":[]}"
    step "tenant isolation: acme cannot plan with our driver (404)" is 404
  fi
  req POST /api/ops/vehicles "$A" "{\"plate_number\":\"BIKE-$((RUN % 100000))\",\"type\":\"BIKE\",\"capacity_kg\":4}"; BIKE=$(J .id)
  req POST /api/ops/drivers "$A" '{"name":"Second Driver","phone":"+919900002222"}'; DRV2=$(J .id)
  req POST /api/ops/routes "$A" "{\"route_date\":\"$FUTURE\",\"driver_id\":\"$DRV2\",\"vehicle_id\":\"$BIKE\",\"order_ids\":[\"$R3\"]}"
  step "over the vehicle's capacity: 409 capacity_exceeded" both 409 '.error.code == "capacity_exceeded"'
  req POST "/api/ops/routes/$RID/cancel" "$A" '{"reason":"verify"}'
  step "cancel the route: its orders go back to CREATED" bash -c "[ '$S' = 200 ] && [ \"\$(curl -s '$B/api/ops/orders/$R1' -H 'authorization: Bearer $A' | jq -r .status)\" = CREATED ]"
  req GET "/api/ops/events?type=route.created" "$A" ""; step "route events are in the event log" has '(.items | length) >= 1'
fi

# ---------------------------------------------------------------------------------- phase 4
# Today's route with two orders for the driver, used by phases 4-6.
setup_today() {
  [ -n "${TRID:-}" ] && return 0
  req GET "/api/ops/drivers" "$A" ""; DRV=$(J '[.items[] | select(.email != null)][0].id')
  req POST /api/ops/vehicles "$A" "{\"plate_number\":\"VAN-$((RUN % 100000))\",\"type\":\"VAN\",\"capacity_kg\":1000}"; VAN=$(J .id)
  T1=$(new_order "TR-$RUN-1" 12.93); T2=$(new_order "TR-$RUN-2" 12.99)
  req POST /api/ops/routes "$A" "{\"route_date\":\"$TODAY\",\"driver_id\":\"$DRV\",\"vehicle_id\":\"$VAN\",\"order_ids\":[\"$T1\",\"$T2\"],\"optimize\":true}"
  TRID=$(J '.id // empty')
  req GET "/api/ops/orders/$T1" "$A" ""; TOK=$(J .tracking_token)
}

if wants 4; then
  phase "4: public tracking and signed webhooks"
  python3 "$HELP" receiver "$TMP/port" "$TMP/hooks.jsonl" & RECV_PID=$!
  for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  HOOK="http://127.0.0.1:$(cat "$TMP/port")/hook"
  req PUT /api/ops/settings/webhook "$A" "{\"enabled\":true,\"url\":\"$HOOK\",\"events\":[\"*\"]}"
  step "webhook settings: a secret is generated and shown once" both 200 '.enabled == true and (.generated_secret | startswith("whsec_"))'
  SECRET=$(J .generated_secret)
  req GET /api/ops/settings/webhook "$A" ""; step "the secret is never returned again (last 4 only)" has '(has("generated_secret") | not) and (.secret_last4 | length) == 4 and (tostring | contains("whsec_") | not)'
  req PUT /api/ops/settings/webhook "$A" '{"enabled":true,"url":"http://169.254.169.254/latest/meta-data","events":["*"]}'
  step "an internal address (metadata service) is refused: 400 naming url" both 400 '.error.fields | has("url")'
  setup_today
  step "tracking test data: today's route for the driver" test -n "$TRID"
  sleep 0.2
  H0=$(wc -l < "$TMP/hooks.jsonl" 2>/dev/null || echo 0)
  req POST "/api/ops/orders/$T2/exceptions" "$A" '{"type":"WRONG_ADDRESS","notes":"webhook check"}'
  for _ in $(seq 1 50); do grep -q 'exception.created' "$TMP/hooks.jsonl" 2>/dev/null && break; sleep 0.2; done
  LINE=$(grep 'exception.created' "$TMP/hooks.jsonl" 2>/dev/null | tail -1)
  step "a change reaches the receiver through stream -> EventBridge -> SQS -> dispatcher (<10 s)" test -n "$LINE"
  if [ -n "$LINE" ]; then
    step "the delivery's Standard Webhooks signature verifies with the secret (tampering fails)" python3 "$HELP" verify-signature "$SECRET" "$LINE"
    printf '%s\n' "$LINE" > "$TMP/line.json"
    step "webhook-id is the event id (receivers dedupe on it)" bash -c "[ \"\$(jq -r '.headers[\"webhook-id\"]' '$TMP/line.json')\" = \"\$(jq -r '.body | fromjson | .id' '$TMP/line.json')\" ]"
    step "the payload carries no internal notes of the order" bash -c "! grep -q 'gate code' '$TMP/line.json'"
  else
    step "signature check (no delivery arrived)" false
  fi
  sleep 0.5
  req GET "/api/ops/webhooks/deliveries" "$A" ""; step "the delivery log shows delivered attempts with status and latency" has '[.items[] | select(.outcome == "delivered" and .status_code == 200)] | length >= 1'
  req GET "/api/ops/events?type=exception.created" "$A" ""; step "the event log shows the event PROCESSED" has '.items[0].status == "PROCESSED"'
  EVID=$(J '.items[0].id // empty')
  req POST "/api/ops/events/$EVID/retry" "$A" ""; step "retrying an event that is not FAILED: 409 event_not_failed" both 409 '.error.code == "event_not_failed"'
  req POST "/api/ops/events/01JD3Q6Z8X4M2N7P5R9S1T3V5W/retry" "$A" ""; step "retrying an unknown event: 404" is 404
  req GET "/api/ops/events?status=FAILED" "$A" ""; step "the event log filters FAILED events" is 200
  # Public tracking.
  req GET "/api/tracking/$TOK" "" ""
  step "public tracking: 200 with status and stops" both 200 '.status != null and (.stops | length) >= 1'
  step "tracking never leaks notes, phones, ids of tenant/driver/user" bash -c "[ '$S' = 200 ] && ! grep -Eq 'gate code|\\+91|tenant_id|driver_id|customer_phone|user_id|\"notes\"' '$TMP/body'"
  ETAG=$(header etag)
  step "tracking answers an ETag" test -n "$ETAG"
  req GET "/api/tracking/$TOK" "" "" -H "if-none-match: $ETAG"; step "If-None-Match: 304" is 304
  req GET "/api/tracking/not-a-real-token-000000000000000" "" ""; step "unknown token: 404" is 404
  req POST "/api/ops/orders/$T1/tracking-link/rotate" "$A" ""
  NTOK=$(J '.tracking_token // empty')
  step "rotate the tracking link: a new token" bash -c "[ '$S' = 200 ] && [ -n '$NTOK' ] && [ '$NTOK' != '$TOK' ]"
  req GET "/api/tracking/$TOK" "" ""; step "the old token is dead (404)" bash -c "[ -n '$NTOK' ] && [ '$S' = 404 ]"
  req GET "/api/tracking/$NTOK" "" ""; step "the new token works" is 200
  if [ -n "$ACME" ]; then
    req POST "/api/ops/orders/$T1/tracking-link/revoke" "$ACME" ""; step "tenant isolation: acme cannot revoke our link (404)" is 404
  fi
  # Throttling, on an order of its own (its token is spent for a minute afterwards).
  TH=$(new_order "TH-$RUN" 12.95); THTOK=$(curl -s "$B/api/ops/orders/$TH" -H "authorization: Bearer $A" | jq -r .tracking_token)
  codes=""; for _ in $(seq 1 70); do codes+="$(curl -s -o /dev/null -w '%{http_code} ' "$B/api/tracking/$THTOK")"; done
  step "tracking is throttled per token and address (429 within 70 requests a minute)" bash -c "[[ '$codes' == *429* ]]"
  curl -s -D "$TMP/headers" -o /dev/null "$B/api/tracking/$THTOK"
  step "a throttled tracking request says Retry-After" bash -c "grep -qi '^retry-after:' '$TMP/headers'"
  req POST "/api/ops/orders/$T2/tracking-link/revoke" "$A" ""; step "revoke a tracking link (2xx)" bash -c "[[ '$S' == 2* ]] || { echo HTTP $S; false; }"
  req GET "/api/ops/orders/$T2" "$A" ""; T2TOK=$(J '.tracking_token // empty')
  step "a revoked order has no tracking token" test -z "$T2TOK"
  TOK="$NTOK"
fi

# ---------------------------------------------------------------------------------- phase 5
if wants 5; then
  phase "5: driver app, status updates, scan, proof of delivery"
  setup_today
  req GET /api/driver/routes/today "$D" ""; step "driver sees today's route" both 200 "[(.items // .)[] | .id] | index(\"$TRID\") != null"
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"PICKED_UP"}'
  step "status update before the route starts: 409 route_not_started" both 409 '.error.code == "route_not_started"'
  req POST "/api/driver/routes/$TRID/start" "$D" ""; step "start the route: IN_PROGRESS" both 200 '.status == "IN_PROGRESS"'
  req POST "/api/driver/routes/$TRID/start" "$D" ""; step "start again: 409" is 409
  REF=$(curl -s "$B/api/ops/orders/$T1" -H "authorization: Bearer $A" | jq -r .reference_code)
  req POST /api/driver/scan "$D" "{\"code\":\"$REF\"}"; step "scan the order's code finds it" both 200 ".id == \"$T1\" or .order.id == \"$T1\""
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"DELIVERED"}'; step "DELIVERED before pickup: refused (409)" is 409
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"PICKED_UP","metadata":{"notes":"Picked up boxes"}}'
  step "PICKED_UP: server timestamps on the pickup stop" both 200 '.status == "PICKED_UP" and ([.stops[] | select(.type == "PICKUP") | .completed_at != null] | all)'
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"IN_TRANSIT"}'; step "IN_TRANSIT" both 200 '.status == "IN_TRANSIT"'
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"DELIVERED"}'; step "DELIVERED by status alone: 409 pod_required" both 409 '.error.code == "pod_required"'
  req POST "/api/driver/orders/$T1/status" "$D" '{"to_status":"CANCELLED"}'; step "drivers cannot cancel (403)" is 403
  req POST "/api/driver/orders/$T1/status" "$A" '{"to_status":"IN_TRANSIT"}'; step "ops token on the driver status route: 403" is 403
  D2=""
  req POST /api/ops/drivers "$A" "{\"name\":\"Other Driver\",\"phone\":\"+919900003333\",\"email\":\"other@$SLUG.example\",\"password\":\"DriverPass123!\"}"
  D2=$(login "other@$SLUG.example" DriverPass123!)
  req POST "/api/driver/orders/$T1/status" "$D2" '{"to_status":"FAILED","metadata":{"reason":"x"}}'
  step "another driver cannot move this order (404)" is 404
  req GET "/api/driver/routes/$TRID" "$D2" ""; step "another driver cannot read this route (404)" is 404
  # Proof of delivery: presigned uploads, then the POD.
  req POST "/api/driver/orders/$T1/pod/uploads" "$D" '{"files":[{"kind":"photo","content_type":"image/jpeg","size":1024},{"kind":"signature","content_type":"image/png","size":512}]}'
  step "POD upload URLs (presigned PUT, expiring)" bash -c "[[ '$S' == 2* ]] && jq -e '(.uploads | length) == 2 and (.uploads | all(.url != null and .key != null and .expires_at != null))' '$TMP/body' >/dev/null"
  if [[ "$S" == 2* ]]; then
    cp "$TMP/body" "$TMP/uploads.json"
    head -c 1024 /dev/urandom > "$TMP/photo.jpg"; head -c 512 /dev/urandom > "$TMP/sig.png"
    up() { # kind file
      local url method hdrs
      url=$(jq -r ".uploads[] | select(.kind == \"$1\") | .url" "$TMP/uploads.json")
      method=$(jq -r ".uploads[] | select(.kind == \"$1\") | .method // \"PUT\"" "$TMP/uploads.json")
      mapfile -t hdrs < <(jq -r ".uploads[] | select(.kind == \"$1\") | (.headers // {}) | to_entries[] | \"-H\n\(.key): \(.value)\"" "$TMP/uploads.json")
      curl -s -o /dev/null -w '%{http_code}' -X "$method" "${hdrs[@]}" --data-binary "@$2" "$url"
    }
    PC=$(up photo "$TMP/photo.jpg"); SC=$(up signature "$TMP/sig.png")
    step "photo and signature uploaded to the bucket (HTTP $PC / $SC)" bash -c "[[ '$PC' == 2* && '$SC' == 2* ]]"
    PK=$(jq -r '.uploads[] | select(.kind == "photo") | .key' "$TMP/uploads.json")
    SK=$(jq -r '.uploads[] | select(.kind == "signature") | .key' "$TMP/uploads.json")
    req POST "/api/driver/orders/$T1/pod" "$D" "{\"receiver_name\":\"Ananya\",\"notes\":\"Left at door\",\"photo_key\":\"$PK\",\"signature_key\":\"$SK\"}"
    step "POD recorded: order DELIVERED with a server delivery time" both 201 '.order.status == "DELIVERED" and .order.delivered_at != null and .pod.receiver_name == "Ananya"'
    req POST "/api/driver/orders/$T1/pod" "$D" "{\"receiver_name\":\"Again\",\"photo_key\":\"$PK\"}"
    step "a second POD for a delivered order: refused (409)" is 409
    req GET "/api/ops/orders/$T1/pod" "$A" ""; step "ops sees the POD with view links" both 200 '.receiver_name == "Ananya" and (.photo_url // .photo.url) != null'
    if [ -n "$ACME" ]; then
      req GET "/api/ops/orders/$T1/pod" "$ACME" ""; step "tenant isolation: acme cannot read our POD (404)" is 404
    fi
    req GET "/api/tracking/$TOK" "" ""; step "tracking shows DELIVERED with a POD summary, no keys or URLs of the bucket" both 200 '.status == "DELIVERED" and .pod != null and (tostring | contains("signature_key") | not)'
  else
    step "POD upload and record (upload URLs unavailable)" false
  fi
  req POST "/api/driver/orders/$T2/status" "$D" '{"to_status":"PICKED_UP"}'
  req POST "/api/driver/orders/$T2/status" "$D" '{"to_status":"IN_TRANSIT"}'
  req POST "/api/driver/orders/$T2/status" "$D" '{"to_status":"FAILED"}'; step "FAILED without a reason: 400" is 400
  req POST "/api/driver/orders/$T2/status" "$D" '{"to_status":"FAILED","metadata":{"reason":"Nobody home"}}'
  step "FAILED with a reason opens a FAILED_ATTEMPT exception" bash -c "[ '$S' = 200 ] && curl -s '$B/api/ops/exceptions?order_id=$T2&type=FAILED_ATTEMPT' -H 'authorization: Bearer $A' | jq -e '.items | length == 1' >/dev/null"
  req GET "/api/ops/routes/$TRID" "$A" ""; step "the route completes when its last order is final" has '.status == "COMPLETED"'
  if [ -n "$LINE" ] 2>/dev/null; then
    for _ in $(seq 1 50); do grep -q 'pod.created' "$TMP/hooks.jsonl" 2>/dev/null && break; sleep 0.2; done
    step "webhooks for the delivery (pod.created, order.status_changed to DELIVERED) arrived" bash -c "grep -q 'pod.created' '$TMP/hooks.jsonl' && grep -q 'DELIVERED' '$TMP/hooks.jsonl'"
  fi
fi

# ---------------------------------------------------------------------------------- phase 6
if wants 6; then
  phase "6: realtime (WebSockets)"
  # A fresh route today for a new driver, started, so locations are accepted.
  req POST /api/ops/drivers "$A" "{\"name\":\"Live Driver\",\"phone\":\"+919900004444\",\"email\":\"live@$SLUG.example\",\"password\":\"DriverPass123!\"}"; LDRV=$(J .id)
  LD=$(login "live@$SLUG.example" DriverPass123!)
  req POST /api/ops/vehicles "$A" "{\"plate_number\":\"LIVE-$((RUN % 100000))\",\"type\":\"CAR\",\"capacity_kg\":300}"; LVEH=$(J .id)
  L1=$(new_order "LV-$RUN-1" 12.95)
  req POST /api/ops/routes "$A" "{\"route_date\":\"$TODAY\",\"driver_id\":\"$LDRV\",\"vehicle_id\":\"$LVEH\",\"order_ids\":[\"$L1\"]}"; LRID=$(J .id)
  req POST "/api/driver/routes/$LRID/start" "$LD" ""
  # The customer sees the driver only while their order is on its way.
  req POST "/api/driver/orders/$L1/status" "$LD" '{"to_status":"PICKED_UP"}'
  req GET "/api/ops/orders/$L1" "$A" ""; LTOK=$(J .tracking_token)
  MSG="{\"route_id\":\"$LRID\",\"lat\":12.9712,\"lng\":77.6501}"
  step "driver location socket accepts the driver's token" python3 "$HELP" ws "$WS/ws/driver/location?token=$LD"
  # Refusals count only as real refusals (401/403/404 or a close), not as "no WebSocket here".
  python3 "$HELP" ws "$WS/ws/driver/location?token=$A" --expect '"' --timeout 2 >"$TMP/ws-refused" 2>&1
  step "driver location socket refuses an ops token" bash -c "grep -Eq 'refused: HTTP/1.1 (401|403)|closed by server' '$TMP/ws-refused' || { cat '$TMP/ws-refused'; false; }"
  python3 "$HELP" ws "$WS/ws/ops/routes/$LRID?token=$ACME" --expect '12.9712' --timeout 2 >"$TMP/ws-iso" 2>&1
  step "ops socket of another tenant's route is refused" bash -c "grep -Eq 'refused: HTTP/1.1 (401|403|404)|closed by server' '$TMP/ws-iso' || { cat '$TMP/ws-iso'; false; }"
  python3 "$HELP" ws "$WS/ws/ops/routes/$LRID?token=$A" --expect '12.9712' --timeout 8 >"$TMP/ws-ops" 2>&1 & OPS_WS=$!
  python3 "$HELP" ws "$WS/ws/tracking/$LTOK" --expect '12.971' --timeout 8 >"$TMP/ws-trk" 2>&1 & TRK_WS=$!
  sleep 1
  python3 "$HELP" ws "$WS/ws/driver/location?token=$LD" --send "$MSG" >/dev/null 2>&1
  wait $OPS_WS; RC_OPS=$?; wait $TRK_WS; RC_TRK=$?
  step "ops route stream receives the driver's location" bash -c "[ $RC_OPS = 0 ] || { cat '$TMP/ws-ops'; false; }"
  step "the tracking page's stream receives the location" bash -c "[ $RC_TRK = 0 ] || { cat '$TMP/ws-trk'; false; }"
  req GET "/api/tracking/$LTOK" "" ""; step "tracking shows the latest location, rounded to ~100 m" has '.live_location.lat == 12.971 and .live_location.lng == 77.65'
fi

# ---------------------------------------------------------------------------------- phase 7
if wants 7; then
  phase "7: web apps (served by the local host)"
  for p in /login /ops/dashboard /ops/routes /ops/exceptions /driver/login /driver/today "/track/${TOK:-x}"; do
    req GET "$p" "" ""
    step "GET $p serves the app (HTML)" bash -c "[ '$S' = 200 ] && grep -qi '<div id=\"root\"\\|<html' '$TMP/body'"
  done
  ASSET=$(grep -o 'src="/assets/[^"]*\.js"' "$TMP/body" | head -1 | cut -d'"' -f2)
  req GET "${ASSET:-/assets/none.js}" "" ""; step "the app's script is served with a long cache" bash -c "[ '$S' = 200 ] && grep -qi 'max-age=31536000' '$TMP/headers'"
fi

echo
TOTAL=$((PASS + FAIL))
if [ "$FAIL" -eq 0 ]; then
  echo "$(green "ALL $TOTAL STEPS PASSED") (tenant $SLUG)"
else
  echo "$(red "$FAIL of $TOTAL steps FAILED") (tenant $SLUG):"
  for f in "${FAILED[@]}"; do echo "  - $f"; done
  exit 1
fi
