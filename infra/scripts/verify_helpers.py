#!/usr/bin/env python3
"""Helpers for infra/scripts/verify.sh (standard library only).

  verify_helpers.py receiver <port-file> <log-file>
      A webhook receiver on 127.0.0.1 (free port written to <port-file>): answers 200 and
      appends every request as one JSON line {path, headers, body} to <log-file>.
  verify_helpers.py verify-signature <secret> <log-line-json>
      Checks one logged delivery the Standard Webhooks way, independently of CargoFlow's code:
      HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}", base64; timestamp within 5 min.
      Exit 0 when a v1 signature matches.
  verify_helpers.py ws <url> [--send JSON] [--expect SUBSTRING] [--timeout S] [--listen-first S]
      A minimal WebSocket client (RFC 6455, no extensions): connects (exit 2 when the upgrade
      is refused), optionally sends one text frame, and waits for a text frame containing
      SUBSTRING (exit 0) or times out (exit 1). Prints what it received.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse


def receiver(port_file, log_file):
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("content-length", 0))
            body = self.rfile.read(n)
            line = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                               "body": body.decode("utf-8", "replace")})
            with lock, open(log_file, "a") as f:
                f.write(line + "\n")
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(port_file, "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


def verify_signature(secret, line):
    d = json.loads(line)
    h, body = d["headers"], d["body"].encode()
    msg_id, ts, sigs = h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"]
    if abs(time.time() - int(ts)) > 300:
        print("timestamp too old")
        return 1
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    ok = any(hmac.compare_digest(s.split(",", 1)[1], expected) for s in sigs.split() if s.startswith("v1,"))
    # A tampered body must not verify.
    bad = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body + b" ", hashlib.sha256).digest()).decode()
    tamper_rejected = not any(hmac.compare_digest(s.split(",", 1)[1], bad) for s in sigs.split() if s.startswith("v1,"))
    print(f"signature {'valid' if ok else 'INVALID'}; tampered body {'rejected' if tamper_rejected else 'ACCEPTED'}")
    return 0 if ok and tamper_rejected else 1


def ws(url, send=None, expect=None, timeout=5.0, listen_first=0.0):
    u = urllib.parse.urlparse(url)
    port = u.port or (443 if u.scheme == "wss" else 80)
    path = u.path + ("?" + u.query if u.query else "")
    s = socket.create_connection((u.hostname, port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    status_line = head.split(b"\r\n", 1)[0].decode(errors="replace")
    if " 101 " not in status_line + " ":
        print(f"upgrade refused: {status_line}")
        return 2
    buf = head.split(b"\r\n\r\n", 1)[1]

    def send_text(text):
        data = text.encode()
        mask = os.urandom(4)
        hdr = bytes([0x81])
        n = len(data)
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def read_exact(n):
        nonlocal buf
        while len(buf) < n:
            chunk = s.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk
        out, buf = buf[:n], buf[n:]
        return out

    def read_frame():
        b0, b1 = read_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", read_exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", read_exact(8))[0]
        mask = read_exact(4) if b1 & 0x80 else None
        data = read_exact(n)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return b0 & 0x0F, data

    if listen_first:
        time.sleep(listen_first)
    if send is not None:
        send_text(send)
    if expect is None:
        print("connected")
        return 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            op, data = read_frame()
        except (socket.timeout, EOFError):
            break
        if op == 0x8:
            print("closed by server")
            return 1
        if op == 0x9:  # ping -> pong
            continue
        text = data.decode(errors="replace")
        print(text[:300])
        if expect in text:
            return 0
    print("no matching message")
    return 1


def main():
    cmd = sys.argv[1]
    if cmd == "receiver":
        receiver(sys.argv[2], sys.argv[3])
    elif cmd == "verify-signature":
        sys.exit(verify_signature(sys.argv[2], sys.argv[3]))
    elif cmd == "ws":
        args = sys.argv[3:]
        opts = {"--send": None, "--expect": None, "--timeout": "5", "--listen-first": "0"}
        while args:
            opts[args[0]] = args[1]
            args = args[2:]
        try:
            sys.exit(ws(sys.argv[2], opts["--send"], opts["--expect"], float(opts["--timeout"]),
                        float(opts["--listen-first"])))
        except OSError as e:
            print(f"connection failed: {e}")
            sys.exit(2)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
