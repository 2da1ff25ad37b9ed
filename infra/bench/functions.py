#!/usr/bin/env python3
"""Every packaged function: binary size, zip size, cold start. Prints a Markdown table.

    python3 infra/bench/functions.py                    # every function `make package` built
    python3 infra/bench/functions.py health create-order --runs 20
    python3 infra/bench/functions.py --json out.json    # also write the figures as JSON

Reads the bootstraps cargo-lambda left in $CARGO_TARGET_DIR/lambda/<function>/bootstrap
(default ~/.cache/cargoflow/target). Cold start is measured as coldstart.py does it: a local
Lambda Runtime API, the bootstrap started with AWS_LAMBDA_RUNTIME_API pointing at it, and the
time from process start to its first `GET /runtime/invocation/next` (init done: configuration
read, AWS SDK clients built) -- "ready" -- then to its answer to one request ("first"). HTTP
functions get an API Gateway v2 event for their own route (from template.yaml) without a
token, so most answer 401 without touching DynamoDB; `health` calls DescribeTable (start
`make dev` first to have it answer 200). Stream, queue and schedule functions get that HTTP
event too and answer with an error: only their "ready" is meaningful.

The environment comes from .env.example (unless already set), with the AWS endpoints of the
local stand-ins, as `make dev` sets them.
"""
import argparse
import io
import json
import os
import re
import statistics
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from coldstart import run_once  # noqa: E402


def load_env():
    given = {k: os.environ[k] for k in ("DYNAMODB_PORT", "MOTO_PORT") if k in os.environ}
    for f in (os.path.join(ROOT, ".env"), os.path.join(ROOT, ".env.example")):
        if not os.path.exists(f):
            continue
        for line in open(f):
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            os.environ.setdefault(k, v)
    ddb, moto = os.environ.get("DYNAMODB_PORT", "8000"), os.environ.get("MOTO_PORT", "4566")
    # Ports given on the command line win over the endpoints written in .env.example.
    if "DYNAMODB_PORT" in given:
        for k in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"):
            os.environ[k] = f"http://127.0.0.1:{ddb}"
    if "MOTO_PORT" in given:
        for k in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_EVENTBRIDGE"):
            os.environ[k] = f"http://127.0.0.1:{moto}"
    defaults = {
        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{ddb}",
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": f"http://127.0.0.1:{ddb}",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{moto}",
        "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{moto}",
        "AWS_ENDPOINT_URL_EVENTBRIDGE": f"http://127.0.0.1:{moto}",
    }
    for k, v in defaults.items():
        os.environ.setdefault(k, v)


def http_routes():
    """binary -> (method, path) of its first HttpApi event, read from template.yaml."""
    routes, binary, method = {}, None, None
    for line in open(os.path.join(ROOT, "template.yaml")):
        m = re.match(r"\s+Binary:\s*(\S+)", line)
        if m:
            binary, method = m.group(1), None
            continue
        m = re.match(r"\s+Method:\s*(\S+)", line)
        if m and binary:
            method = m.group(1).upper()
            continue
        m = re.match(r"\s+Path:\s*(\S+)", line)
        if m and binary and method and binary not in routes:
            path = re.sub(r"\{[^}]+\}", "01JD0000000000000000000000", m.group(1))
            routes[binary] = (method, path)
    return routes


def zipped_size(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.write(path, "bootstrap")
    return len(buf.getvalue())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("functions", nargs="*")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--lambda-dir", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/cargoflow/target")), "lambda"))
    ap.add_argument("--json")
    a = ap.parse_args()
    load_env()
    routes = http_routes()
    names = a.functions or sorted(d for d in os.listdir(a.lambda_dir)
                                  if os.path.isfile(os.path.join(a.lambda_dir, d, "bootstrap")))
    rows = []
    print("| function | binary MB | zip MB | ready p50 ms | ready p90 ms | first p50 ms | status |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in names:
        bootstrap = os.path.join(a.lambda_dir, name, "bootstrap")
        if not os.path.isfile(bootstrap):
            print(f"| {name} | (not built) | | | | | |")
            continue
        method, path = routes.get(name, ("GET", "/api/health"))
        ready, first, status = [], [], None
        for _ in range(a.runs):
            r, f, status = run_once(bootstrap, method, path)
            ready.append(r)
            first.append(f)
        ready.sort()
        row = {
            "function": name, "binary_bytes": os.path.getsize(bootstrap), "zip_bytes": zipped_size(bootstrap),
            "ready_p50_ms": statistics.median(ready), "ready_p90_ms": ready[min(len(ready) - 1, int(0.9 * len(ready)))],
            "first_p50_ms": statistics.median(first), "status": status if name in routes else "(not HTTP)",
        }
        rows.append(row)
        print(f"| {name} | {row['binary_bytes'] / 1e6:.2f} | {row['zip_bytes'] / 1e6:.2f} | {row['ready_p50_ms']:.1f} "
              f"| {row['ready_p90_ms']:.1f} | {row['first_p50_ms']:.1f} | {row['status']} |", flush=True)
    if rows:
        zips = [r["zip_bytes"] for r in rows]
        rd = [r["ready_p50_ms"] for r in rows]
        print(f"\n{len(rows)} functions; zip {min(zips) / 1e6:.2f}-{max(zips) / 1e6:.2f} MB "
              f"(over 4 MB: {sum(z > 4e6 for z in zips)}); ready p50 {min(rd):.1f}-{max(rd):.1f} ms "
              f"(over 30 ms: {sum(r > 30 for r in rd)}); {a.runs} runs each")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
