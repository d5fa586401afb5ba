#!/usr/bin/env python3
"""Throw bad requests at kvmirq exporter's HTTP server on 127.0.0.1:PORT and
check each answer: status codes, HEAD without a body, a silent client not
blocking others, random bytes never killing it, and its own count of the
responses it sent. Prints one "ok NAME" or "FAIL NAME: why" per check."""
import random
import re
import socket
import sys
import time

PORT = int(sys.argv[1])
fails = 0


def exchange(data, timeout=5.0, close_write=False):
    """Send DATA (then end the request stream if CLOSE_WRITE), read until the
    server closes: the raw response."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=timeout) as s:
        try:
            s.sendall(data)
            if close_write:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass
        return out


def status(resp):
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", resp)
    return int(m.group(1)) if m else None


def expect(name, cond, why=""):
    global fails
    if cond:
        print(f"ok {name}")
    else:
        fails += 1
        print(f"FAIL {name}: {why}")


def headers_body(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    fields = dict(l.split(b": ", 1) for l in head.split(b"\r\n")[1:])
    return fields, body


cases = {
    "404 for another path": (b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    "405 for POST": (b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405),
    "400 for junk": (b"junk\r\n\r\n", 400),
    "400 for a request line without version": (b"GET /metrics\r\n\r\n", 400),
    "400 for a target not starting with /": (b"GET metrics HTTP/1.1\r\n\r\n", 400),
    "400 for a NUL byte": (b"GET /metr\0ics HTTP/1.1\r\n\r\n", 400),
    "400 for a control character in the method": (b"G\x01T /metrics HTTP/1.1\r\n\r\n", 400),
    "505 for HTTP/2.0": (b"GET /metrics HTTP/2.0\r\n\r\n", 505),
    "431 for 9000 bytes of headers": (b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 9000, 431),
    "200 for a query string": (b"GET /metrics?x=1 HTTP/1.0\r\n\r\n", 200),
    "200 with bare newlines": (b"GET /metrics HTTP/1.1\n\n", 200),
}
def responses_sent():
    """The server's own count of its responses, by status."""
    _, body = headers_body(exchange(b"GET /metrics HTTP/1.1\r\n\r\n"))
    return {int(c): int(v) for c, v in
            re.findall(rb'kvmirq_exporter_http_responses_total\{code="(\d+)"\} (\d+)', body)}


before = responses_sent()
sent = {200: 1}  # that scrape's own, counted after it
for name, (req, want) in cases.items():
    resp = exchange(req)
    expect(name, status(resp) == want, f"got {resp[:80]!r}")
    sent[want] = sent.get(want, 0) + 1

get = exchange(b"GET /metrics HTTP/1.1\r\n\r\n")
head = exchange(b"HEAD /metrics HTTP/1.1\r\n\r\n")
gf, gbody = headers_body(get)
hf, hbody = headers_body(head)
expect("GET /metrics: 200, Content-Length = body",
       status(get) == 200 and int(gf[b"Content-Length"]) == len(gbody) > 0, get[:200])
expect("GET /metrics: the exposition format's content type",
       gf.get(b"Content-Type") == b"text/plain; version=0.0.4; charset=utf-8", gf)
expect("HEAD /metrics: 200, no body, a length", status(head) == 200 and hbody == b""
       and int(hf[b"Content-Length"]) > 0, head[:200])
sent[200] = sent.get(200, 0) + 2

# A client that says nothing holds one slot, not the server.
silent = [socket.create_connection(("127.0.0.1", PORT)) for _ in range(3)]
t0 = time.monotonic()
resp = exchange(b"GET /metrics HTTP/1.1\r\n\r\n", timeout=3)
expect("silent clients do not block a scrape", status(resp) == 200 and time.monotonic() - t0 < 2,
       f"{time.monotonic() - t0:.1f} s")
sent[200] += 1
half = socket.create_connection(("127.0.0.1", PORT))
half.sendall(b"GET /metr")
half.close()  # gone mid-request
for s in silent:
    s.close()

# Random bytes, then the client's end of the stream: any answer or none,
# at once, and the server lives on.
rng = random.Random(13)
for _ in range(200):
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
    if rng.random() < 0.5:
        junk += b"\r\n\r\n"
    try:
        r = exchange(junk, timeout=3, close_write=True)
        if r:
            sent[status(r)] = sent.get(status(r), 0) + 1
    except OSError as e:
        expect("random bytes", False, repr(e))
        break
resp = exchange(b"GET /metrics HTTP/1.1\r\n\r\n")
expect("still serving after 200 random requests", status(resp) == 200, resp[:80])
sent[200] += 1

# Its own count of what it sent (this scrape's own 200 not yet counted).
after = responses_sent()
want = {c: n for c, n in sent.items() if c is not None}
got = {c: after.get(c, 0) - before.get(c, 0) for c in after}
got = {c: n for c, n in got.items() if n or c in want}
expect("kvmirq_exporter_http_responses_total counts each response", got == want,
       f"{got} != {want}")
print(f"{fails} failed")
sys.exit(1 if fails else 0)
