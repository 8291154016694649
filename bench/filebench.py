#!/usr/bin/env python3
"""File transfer benchmark (issue 15): peerlink-cli to peerlink-cli over a direct link and relayed through
peerlink-hub, against a plain TCP copy over loopback in the same run (the floor).

    python3 bench/filebench.py [--build build] [--size-mib 1024] [--out results.md]

For each path: MB/s (file bytes / wall time from /send-file to the receiver's file_done), the same from the receiver's
file_offer (after the sender's SHA-256 of the whole file, which the offer carries) to file_done, and CPU seconds per GiB
of the sender, the receiver and the hub (user + system from /proc/PID/stat). Linux only.

Two floors are measured in the same run: a plain TCP copy of the file over loopback (the issue's floor: no byte is
touched in user space), and bench/cryptofloor.c, the same work as PeerLink's in plain C (the SHA-256 before the offer,
crypto_secretstream chunks of the same size over TCP, the receiver's SHA-256 and write) without WebSocket, JSON, event
loop or acknowledgements: how fast this cryptography can go on this machine.
"""
import argparse
import hashlib
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Proc:
    """A child process whose stdout lines are collected by a thread."""

    def __init__(self, args):
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.put(line.rstrip("\n"))

    def write(self, text):
        self.p.stdin.write(text)
        self.p.stdin.flush()

    def wait_for(self, predicate, timeout=600):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if predicate(line):
                return line
        raise TimeoutError("timed out")

    def event(self, name, timeout=600):
        def match(line):
            try:
                return json.loads(line).get("event") == name
            except ValueError:
                return False
        return json.loads(self.wait_for(match, timeout))

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()


def floor(path, size):
    """A plain TCP copy of the file over loopback: sendfile on one side, recv_into on the other."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    received = [0]

    def sink():
        conn, _ = server.accept()
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        while received[0] < size:
            n = conn.recv_into(view)
            if n == 0:
                break
            received[0] += n
        conn.close()

    t = threading.Thread(target=sink)
    start_cpu = time.process_time()
    start = time.time()
    t.start()
    with socket.create_connection(("127.0.0.1", port)) as c, open(path, "rb") as f:
        c.sendfile(f)
    t.join()
    wall = time.time() - start
    cpu = time.process_time() - start_cpu
    server.close()
    assert received[0] == size
    return wall, cpu


def crypto_floor(work, path, chunk=32768):
    """bench/cryptofloor.c, built here: (seconds from the start, seconds after the sender's hash, cpu sender, cpu
    receiver)."""
    exe = os.path.join(work, "cryptofloor")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cryptofloor.c")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libsodium"], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run(["cc", "-O2", "-o", exe, src] + flags, check=True)
    out = subprocess.run([exe, path, os.path.join(work, "cryptofloor.out"), str(chunk)], capture_output=True,
                         text=True, check=True).stdout.split()
    os.remove(os.path.join(work, "cryptofloor.out"))
    return tuple(float(x) for x in out)


def transfer(build, work, path, size, sha, direct):
    hub_args = [f"{build}/src/hubd/peerlink-hub", "--port", "0", "--byte-rate", "0"]
    if direct:
        hub_args += ["--relay-files", "no"]  # proves the chunks went over the link
    hub = Proc(hub_args)
    url = hub.wait_for(lambda l: "ws://" in l, 10)
    url = url[url.index("ws://"):].split()[0]
    listen = ["--listen", "127.0.0.1:0"] if direct else ["--no-listen"]
    inbox = os.path.join(work, "inbox-direct" if direct else "inbox-relayed")
    cli = f"{build}/src/cli/peerlink-cli"
    bob = Proc([cli, "--hub", url, "--id", "bob", "--identity", os.path.join(work, "bob.key"), "--json",
                "--accept-files", inbox] + listen)
    bob.event("welcome", 10)
    alice = Proc([cli, "--hub", url, "--id", "alice", "--identity", os.path.join(work, "alice.key"), "--json"]
                 + listen)
    alice.event("welcome", 10)
    try:
        if direct:
            alice.write("/connect bob\n")
            alice.wait_for(lambda l: '"path":"direct"' in l, 15)
        procs = {"sender": alice.p.pid, "receiver": bob.p.pid, "hub": hub.p.pid}
        before = {k: cpu_seconds(v) for k, v in procs.items()}
        start = time.time()
        alice.write(f"/send-file bob {path}\n")
        bob.event("file_offer", 3600)
        offered = time.time()
        done = bob.event("file_done", 3600)
        wall = time.time() - start
        after_offer = time.time() - offered
        after = {k: cpu_seconds(v) for k, v in procs.items()}
        if done["sha256"] != sha:
            raise RuntimeError("SHA-256 mismatch")
        os.remove(done["path"])
        return wall, after_offer, {k: after[k] - before[k] for k in procs}
    finally:
        for p in (alice, bob, hub):
            p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--out")
    args = ap.parse_args()
    size = args.size_mib << 20
    gib = size / (1 << 30)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "random.bin")
        h = hashlib.sha256()
        with open(path, "wb") as f:
            left = size
            while left:
                block = os.urandom(min(left, 1 << 20))
                h.update(block)
                f.write(block)
                left -= len(block)
        sha = h.hexdigest()
        fwall, fcpu = floor(path, size)
        rows = [("TCP loopback copy (floor)", fwall, fwall, {"sender+receiver": fcpu})]
        cwall, coffer, csend, crecv = crypto_floor(work, path)
        rows.append(("the same work in plain C (cryptofloor.c)", cwall, coffer, {"sender": csend, "receiver": crecv}))
        for direct in (True, False):
            wall, after_offer, cpu = transfer(args.build, work, path, size, sha, direct)
            rows.append(("direct link" if direct else "relayed through the hub", wall, after_offer, cpu))
    floor_rate = size / fwall / 1e6
    out = [f"File of {args.size_mib} MiB of random bytes; {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs.",
           "", "| path | MB/s | % of floor | % of C | MB/s from the offer | % of floor | % of C | CPU s per GiB |",
           "|---|---|---|---|---|---|---|---|"]
    c_rate, c_offer = size / rows[1][1] / 1e6, size / rows[1][2] / 1e6
    for name, wall, after_offer, cpu in rows:
        rate = size / wall / 1e6
        rate_offer = size / after_offer / 1e6
        cpus = ", ".join(f"{k} {v / gib:.2f}" for k, v in cpu.items())
        out.append(f"| {name} | {rate:.1f} | {100 * rate / floor_rate:.0f}% | {100 * rate / c_rate:.0f}% | "
                   f"{rate_offer:.1f} | {100 * rate_offer / floor_rate:.0f}% | {100 * rate_offer / c_offer:.0f}% | "
                   f"{cpus} |")
    text = "\n".join(out)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
