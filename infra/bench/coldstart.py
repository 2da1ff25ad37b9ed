#!/usr/bin/env python3
"""Cold start of a packaged function, measured against a local Lambda Runtime API.

Starts a minimal Runtime API (the three endpoints a Rust runtime uses), spawns the
function's `bootstrap` with AWS_LAMBDA_RUNTIME_API pointing at it, and records the time
from process start to its first `GET /runtime/invocation/next` (init done: config read,
AWS clients built), then to the response of one API Gateway v2 request. Repeats and prints
the median and p90.

usage: coldstart.py <bootstrap> [--runs N] [--path /api/health] [--method GET]
The function's environment is inherited (TABLE_NAME, JWT_SECRET, AWS_ENDPOINT_URL_*, ...).
"""
import argparse
import http.server
import json
import os
import statistics
import subprocess
import threading
import time
import uuid


def event(method, path):
    rid = str(uuid.uuid4())
    return {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {"accountId": "000000000000", "apiId": "local", "domainName": "localhost",
                            "domainPrefix": "localhost", "requestId": rid, "routeKey": f"{method} {path}",
                            "stage": "$default", "time": "0", "timeEpoch": int(time.time() * 1000),
                            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                     "sourceIp": "127.0.0.1", "userAgent": "coldstart"}},
        "isBase64Encoded": False,
    }


def run_once(bootstrap, method, path):
    marks = {}
    done = threading.Event()
    served = {"n": 0}

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path.endswith("/runtime/invocation/next"):
                if served["n"] > 0:
                    # Block the runtime's next poll until we are done with it.
                    done.wait(5)
                    self.send_response(500)
                    self.end_headers()
                    return
                marks.setdefault("ready", time.perf_counter())
                served["n"] += 1
                body = json.dumps(event(method, path)).encode()
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", str(uuid.uuid4()))
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:x")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", 0))
            payload = self.rfile.read(n)
            if "/response" in self.path:
                marks["responded"] = time.perf_counter()
                marks["status"] = json.loads(payload or b"{}").get("statusCode")
            elif "/error" in self.path:
                marks["responded"] = time.perf_counter()
                marks["status"] = "error: " + payload.decode()[:200]
            self.send_response(202)
            self.end_headers()
            done.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="coldstart", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256",
               AWS_LAMBDA_FUNCTION_VERSION="$LATEST", AWS_LAMBDA_LOG_STREAM_NAME="x", AWS_LAMBDA_LOG_GROUP_NAME="x")
    start = time.perf_counter()
    proc = subprocess.Popen([bootstrap], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done.wait(15)
    proc.kill()
    proc.wait()
    server.shutdown()
    if "ready" not in marks:
        raise SystemExit("the function never asked for an invocation")
    return ((marks["ready"] - start) * 1000, (marks.get("responded", start) - start) * 1000, marks.get("status"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--path", default="/api/health")
    ap.add_argument("--method", default="GET")
    a = ap.parse_args()
    ready, first = [], []
    status = None
    for _ in range(a.runs):
        r, f, status = run_once(a.bootstrap, a.method, a.path)
        ready.append(r)
        first.append(f)
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
    print(f"{os.path.basename(os.path.dirname(a.bootstrap)) or a.bootstrap}: runs={a.runs} "
          f"ready p50={statistics.median(ready):.1f} ms p90={q(ready, 0.9):.1f} ms; "
          f"first response p50={statistics.median(first):.1f} ms p90={q(first, 0.9):.1f} ms (status {status})")


if __name__ == "__main__":
    main()
