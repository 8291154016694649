#!/usr/bin/env python3
"""Turns bench/run.sh's results.jsonl into one table: the median of each figure for each server, and the ratios
PeerLink/ws, PeerLink/socket.io, PeerLink/floor and, for socket.io clients, PeerLink's hub over its socket.io
endpoint / socket.io's own server.

  report.py results.jsonl [--markdown report.md]   the table (stdout, and as Markdown)
  report.py --brief < one-result.json              one line for the progress log

A run is left out of the medians when it did not complete, or when the load generator used nearly all of its core
(then it measured itself, not the server); the table says how many runs each median stands on.
"""
import json
import statistics
import sys

SERVERS = ["peerlink", "peerlink-sio", "ws", "socketio", "floor"]
LABELS = {"peerlink": "PeerLink", "peerlink-sio": "PeerLink (socket.io)", "ws": "ws", "socketio": "socket.io",
          "floor": "C floor"}
# (numerator, denominator) of the ratio columns, when both servers ran.
RATIOS = [("peerlink", "ws"), ("peerlink", "socketio"), ("peerlink", "floor"), ("peerlink-sio", "socketio")]

# workload prefix -> [(field, label, unit, higher_is_better)]
FIGURES = {
    "relay": [("deliveries_per_s", "deliveries/s", "", True),
              ("deliveries_per_server_cpu_s", "deliveries per hub CPU-s", "", True)],
    "fanout": [("deliveries_per_s", "deliveries/s", "", True),
               ("deliveries_per_server_cpu_s", "deliveries per hub CPU-s", "", True)],
    "pingpong": [("p50_us", "RTT p50", "µs", False), ("p99_us", "RTT p99", "µs", False),
                 ("p999_us", "RTT p99.9", "µs", False)],
    "storm": [("all_joined_s", "all joined", "s", False), ("all_presence_s", "all presence delivered", "s", False)],
    "idle": [("bytes_per_peer", "RSS per idle peer", "B", False)],
    "large": [("mb_per_s", "MB/s", "", True)],
    "crypto": [("ops_per_s", "operations/s (one core)", "", True), ("us_per_op", "per operation", "µs", False)],
}


def figures_for(name):
    for prefix, figs in FIGURES.items():
        if name.startswith(prefix):
            return figs
    return []


def valid(r):
    if r.get("failed") or r.get("connection_failures", 0) or r.get("complete") is False:
        return False
    return not r.get("loadgen_saturated", False)


def fmt(v, unit=""):
    if v is None:
        return "—"
    if abs(v) >= 1e6:
        s = f"{v / 1e6:.2f} M"
    elif abs(v) >= 1e4:
        s = f"{v / 1e3:.0f} k"
    elif abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    if unit == "B":  # 30 k B reads badly: 30 KB, 1.20 MB
        return s.replace(" k", " KB").replace(" M", " MB") if s[-1] in "kM" else f"{s} B"
    return f"{s} {unit}".strip()


def brief(line):
    try:
        r = json.loads(line)
    except json.JSONDecodeError:
        return "unreadable result"
    if r.get("failed"):
        return "FAILED: " + r["failed"] + (" (" + r.get("first_failure", "") + ")" if r.get("first_failure") else "")
    parts = []
    for key in ("deliveries_per_s", "deliveries_per_server_cpu_s", "p50_us", "p99_us", "p999_us", "all_joined_s",
                "all_presence_s", "bytes_per_peer", "mb_per_s", "loadgen_cpu_frac"):
        if key in r:
            parts.append(f"{key}={fmt(r[key])}")
    if r.get("loadgen_saturated"):
        parts.append("INVALID: load generator saturated")
    if r.get("complete") is False or r.get("connection_failures"):
        parts.append(f"INCOMPLETE ({r.get('first_failure', r.get('first_error', ''))})")
    return " ".join(parts)


def table(rows):
    runs = {}
    order = []
    for r in rows:
        key = r["name"]
        if key not in runs:
            runs[key] = {}
            order.append(key)
        runs[key].setdefault(r["server"], []).append(r)
    servers = [s for s in SERVERS if any(s in v for v in runs.values())]
    header = ["workload", "figure"] + [LABELS[s] for s in servers]
    ratios = [(a, b) for a, b in RATIOS if a in servers and b in servers]
    header += [f"{LABELS[a]}/{LABELS[b]}" for a, b in ratios]
    lines = []
    for name in order:
        for field, label, unit, higher in figures_for(name):
            med = {}
            cells = []
            for s in servers:
                rs = runs[name].get(s, [])
                good = [r[field] for r in rs if valid(r) and field in r]
                if good:
                    med[s] = statistics.median(good)
                    note = "" if len(good) == len(rs) else f" ({len(good)}/{len(rs)})"
                    cells.append(fmt(med[s], unit) + note)
                elif rs and all(r.get("complete") is False or r.get("failed") for r in rs):
                    cells.append(f"not done ({len(rs)} runs)")
                elif rs and all(r.get("loadgen_saturated") for r in rs):
                    cells.append(f"loadgen-bound ({len(rs)} runs)")
                else:
                    cells.append(f"invalid ({len(rs)} runs)" if rs else "—")
            for a, b in ratios:
                if a in med and b in med and med[b]:
                    cells.append(f"{med[a] / med[b]:.2f}")
                else:
                    cells.append("—")
            arrow = "↑" if higher else "↓"
            lines.append([name, f"{label} {arrow}"] + cells)
    return header, lines


def render_text(header, lines):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    out.append("  ".join("-" * w for w in widths))
    for l in lines:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(l, widths)))
    return "\n".join(out)


def render_markdown(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for l in lines:
        out.append("| " + " | ".join(str(c) for c in l) + " |")
    return "\n".join(out)


def main(argv):
    if len(argv) > 1 and argv[1] == "--brief":
        print(brief(sys.stdin.read().strip()))
        return 0
    if len(argv) < 2:
        print(__doc__)
        return 2
    rows = []
    with open(argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"report.py: {argv[1]}:{n}: not JSON ({e}); skipped", file=sys.stderr)
    header, lines = table(rows)
    print(render_text(header, lines))
    print("↑ higher is better, ↓ lower is better. Medians of valid runs; (k/n): only k of n runs valid.")
    if "--markdown" in argv:
        path = argv[argv.index("--markdown") + 1]
        with open(path, "w", encoding="utf-8") as f:
            f.write(render_markdown(header, lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
