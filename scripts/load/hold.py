"""Holds idle and slow-header connections to a node and probes /healthz.

Run by idle-connections.sh. The connections are spread over worker
processes (a process may hold no more descriptors than its limit, often
20,000, like the node's), each opening its share then holding it until
told to stop; the main process probes meanwhile, a fresh connection per
probe, as a load balancer's health check does.
"""

import argparse
import multiprocessing
import resource
import socket
import statistics
import time

PER_PROCESS = 8000
PROBE_TIMEOUT = 2.0


def raise_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def hold(port, count, slow, ready, stop):
    raise_limit()
    held, failed = [], 0
    for _ in range(count):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            held.append(s)
        except OSError:
            failed += 1
            s.close()
    ready.put((count - failed, failed))
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4096
    sent = 0
    while not stop.is_set():
        if slow:
            # One byte a second on each: headers that never end.
            for s in held:
                try:
                    s.send(request[sent : sent + 1])
                except OSError:
                    pass
            sent = min(sent + 1, len(request) - 1)
        stop.wait(1.0)
    for s in held:
        s.close()


def probe(port):
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT) as s:
            s.settimeout(PROBE_TIMEOUT)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = s.recv(64)
        if not answer.startswith(b"HTTP/1.1 200"):
            return None
    except OSError:
        return None
    return (time.monotonic() - start) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=int, default=20000)
    parser.add_argument("--slow", type=int, default=500)
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    raise_limit()

    ready, stop = multiprocessing.Queue(), multiprocessing.Event()
    shares = []
    left = args.idle
    while left > 0:
        shares.append((min(left, PER_PROCESS), False))
        left -= PER_PROCESS
    if args.slow:
        shares.append((args.slow, True))
    workers = [
        multiprocessing.Process(target=hold, args=(args.port, n, slow, ready, stop))
        for n, slow in shares
    ]
    started = time.monotonic()
    for w in workers:
        w.start()
    opened = failed = 0
    for _ in workers:
        ok, bad = ready.get(timeout=60)
        opened, failed = opened + ok, failed + bad
    print(
        f"opened {opened} connections ({args.idle} idle, {args.slow} slow) "
        f"in {time.monotonic() - started:.1f} s; {failed} failed to connect"
    )

    times, failures = [], 0
    for _ in range(args.probes):
        elapsed = probe(args.port)
        if elapsed is None:
            failures += 1
        else:
            times.append(elapsed)
        time.sleep(0.02)
    stop.set()
    for w in workers:
        w.join(timeout=10)
        if w.is_alive():
            w.terminate()

    if times:
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"/healthz: {len(times)} answered, {failures} failed; "
            f"p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms"
        )
    else:
        print(f"/healthz: 0 answered, {failures} failed")


if __name__ == "__main__":
    main()
