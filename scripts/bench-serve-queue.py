#!/usr/bin/env python3
"""scripts/bench-serve's queue phase: hold N /run_code requests open against a server whose
concurrency is far below N, and read the server's RSS while they wait.

Usage: bench-serve-queue.py URL SERVER_PID N SLEEP_SECONDS

Raw sockets with asyncio (no dependency beyond the standard library): N threads would cost
the client more than the server we measure. Prints `bench-serve-queue:` key=value lines; then
waits for every answer (the caller SIGTERMs the server after the `queued` line, so queued
requests end 503 and running ones 200) and prints how the answers ended.
"""
import asyncio
import json
import sys
import time
import urllib.request


def vm_rss_kib(pid):
    # VmRSS, not VmHWM: the memory held while the requests wait, not a past peak.
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def metric(url, name):
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise RuntimeError(f"{name} missing from /metrics")


async def one(host, port, body, statuses):
    request = (
        f"POST /run_code HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request)
        await writer.drain()
        # Connection: close, so the answer ends at EOF.
        answer = await reader.read()
        writer.close()
        line = answer.split(b"\r\n", 1)[0].split()
        statuses.append(line[1].decode() if len(line) > 1 else "empty")
    except (OSError, asyncio.IncompleteReadError) as e:
        statuses.append(type(e).__name__)


async def main():
    url, pid, n, sleep = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    host, port = url.removeprefix("http://").rsplit(":", 1)
    port = int(port)
    body = json.dumps(
        {"code": f"import time\ntime.sleep({sleep})\n", "language": "python", "run_timeout": 10}
    ).encode()
    before = vm_rss_kib(pid)
    print(f"bench-serve-queue: rss_before_kib={before}", flush=True)
    statuses = []
    tasks = [asyncio.create_task(one(host, port, body, statuses)) for _ in range(n)]
    # Wait until the server has them: the queue gauge counts admitted-and-waiting requests.
    started = time.monotonic()
    depth = 0.0
    loop = asyncio.get_running_loop()
    while time.monotonic() - started < 60:
        depth = await loop.run_in_executor(None, metric, url, "crucible_queue_depth")
        if depth >= n * 0.9:
            break
        await asyncio.sleep(0.2)
    # A moment for the last ones to settle, then the figure.
    await asyncio.sleep(0.5)
    depth = await loop.run_in_executor(None, metric, url, "crucible_queue_depth")
    rss = vm_rss_kib(pid)
    print(
        f"bench-serve-queue: queued={int(depth)} rss_queued_kib={rss} "
        f"fill_seconds={time.monotonic() - started:.1f}",
        flush=True,
    )
    await asyncio.gather(*tasks)
    counts = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    print(
        "bench-serve-queue: answers="
        + ",".join(f"{k}:{v}" for k, v in sorted(counts.items())),
        flush=True,
    )


asyncio.run(main())
