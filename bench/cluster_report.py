#!/usr/bin/env python3
"""Tables for bench/cluster.sh (issue 19): PeerLink's hubs clustered over Redis against socket.io's servers with
@socket.io/redis-adapter. Medians over the repetitions of each workload and server; ratios of those medians.

  python3 bench/cluster_report.py RESULTS.jsonl [--run STAMP] [--markdown OUT.md]   (default: the last run in the file)
  python3 bench/cluster_report.py --brief < one-line.json        (one run in a few words)
"""
import json
import statistics
import sys


def si(v, unit=""):
    if v is None:
        return "—"
    a = abs(v)
    for div, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if a >= div:
            return f"{v / div:.3g}{suffix}{unit}"
    return f"{v:.3g}{(' ' + unit) if unit else ''}"


def brief(r):
    if r.get("failed"):
        return "FAILED: " + r["failed"]
    w = r.get("workload")
    lg = f"loadgen {r.get('loadgen_cpu_frac', 0):.2f} core"
    if w == "relay":
        return (f"{si(r.get('deliveries_per_s'))}/s, {si(r.get('deliveries_per_server_cpu_s'))} per cluster CPU-s, "
                f"redis {r.get('redis_cpu_us_per_msg', 0):.2f} µs {r.get('redis_in_bytes_per_msg', 0):.0f}+"
                f"{r.get('redis_out_bytes_per_msg', 0):.0f} B {r.get('redis_commands_per_msg', 0):.2f} cmd per msg, {lg}")
    if w == "presence":
        if r.get("complete"):
            return (f"all views {r.get('all_views_s', 0):.2f} s, observers {r['observers_complete_s']:.2f} s (all joined {r.get('all_joined_s', 0):.2f} s), "
                    f"cluster CPU {r.get('server_cpu_s', 0):.1f} s, redis CPU {r.get('redis_cpu_s', 0):.1f} s, {lg}")
        return (f"NOT DONE in {r.get('seconds', 0):.0f} s: joined {r.get('joined')}, views complete {r.get('views_complete')}, observers know at least "
                f"{r.get('observer_least_known')}, failures {r.get('connection_failures')}, errors {r.get('errors')} "
                f"{r.get('first_failure', '')} {r.get('first_error', '')}")
    return json.dumps(r)[:200]


# name prefix, key, label, higher is better, format
FIGURES = [
    ("xrelay", "deliveries_per_server_cpu_s", "deliveries per CPU-second of the cluster (3 hubs + Redis)", True, si),
    ("xrelay", "deliveries_per_s", "deliveries per second", True, si),
    ("xrelay", "server_cpu_s", "CPU of the cluster over the measured window, s", None, lambda v: f"{v:.2f}"),
    ("xrelay", "redis_cpu_us_per_msg", "Redis CPU per message, µs", False, lambda v: f"{v:.2f}"),
    ("xrelay", "redis_in_bytes_per_msg", "bytes into Redis per message", False, lambda v: f"{v:.0f}"),
    ("xrelay", "redis_out_bytes_per_msg", "bytes out of Redis per message", False, lambda v: f"{v:.0f}"),
    ("xrelay", "redis_commands_per_msg", "Redis commands per message", False, lambda v: f"{v:.2f}"),
    ("xrelay", "loadgen_cpu_frac", "load generator's own CPU (share of its core)", None, lambda v: f"{v:.2f}"),
    ("presence", "all_views_s", "every peer knows every other, s", False, lambda v: f"{v:.2f}"),
    ("presence", "observers_complete_s", "observers know all peers, s", False, lambda v: f"{v:.2f}"),
    ("presence", "all_joined_s", "all peers joined (welcome), s", False, lambda v: f"{v:.2f}"),
    ("presence", "server_cpu_s", "CPU of the cluster until then, s", False, lambda v: f"{v:.1f}"),
    ("presence", "redis_cpu_s", "of which Redis, s", False, lambda v: f"{v:.2f}"),
    ("presence", "loadgen_cpu_frac", "load generator's own CPU (share of its core)", None, lambda v: f"{v:.2f}"),
]


def table(rows):
    by = {}
    for r in rows:
        by.setdefault((r.get("name"), r.get("server")), []).append(r)
    names = sorted({n for n, _ in by}, key=lambda n: (not n.startswith("xrelay"), n))
    out = ["| workload | figure | PeerLink cluster | socket.io + redis-adapter | PeerLink / socket.io | PeerLink ahead? |",
           "|---|---|---|---|---|---|"]
    for name in names:
        pl = by.get((name, "cluster-peerlink"), [])
        so = by.get((name, "cluster-socketio"), [])
        for prefix, key, label, higher, fmt in FIGURES:
            if not name.startswith(prefix):
                continue

            def med(runs):
                ok = [r for r in runs if not r.get("failed") and (prefix != "presence" or r.get("complete"))]
                vals = [r[key] for r in ok if key in r]
                if not vals:
                    return None, len(runs)
                return statistics.median(vals), len(runs)

            a, na = med(pl)
            b, nb = med(so)
            sa = fmt(a) if a is not None else f"not done ({na} runs)"
            sb = fmt(b) if b is not None else f"not done ({nb} runs)"
            if prefix == "presence" and b is None and so and key == "observers_complete_s":
                least = statistics.median(r.get("observer_least_known", 0) for r in so)
                secs = statistics.median(r.get("seconds", 0) for r in so)
                sb = f"not done in {secs:.0f} s ({nb} runs; observers knew {least:.0f})"
            if prefix == "presence" and b is None and so and key == "all_views_s":
                views = statistics.median(r.get("views_complete", 0) for r in so)
                joined = statistics.median(r.get("joined", 0) for r in so)
                sb = f"not done ({nb} runs; {joined:.0f} joined, {views:.0f} views complete)"
            ratio = f"{a / b:.2f}" if a is not None and b is not None and b else "—"
            if higher is None:
                ahead = ""
            elif a is not None and b is None:
                ahead = "yes (socket.io did not finish)"
            elif a is None or b is None:
                ahead = "—"
            elif b and abs(a / b - 1) < 0.01:
                ahead = "tie (within 1 %)"
            else:
                ahead = "**yes**" if (a > b if higher else a < b) else "**no**"
            arrow = "" if higher is None else (" ↑" if higher else " ↓")
            out.append(f"| {name} | {label}{arrow} | {sa} | {sb} | {ratio} | {ahead} |")
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    if "--brief" in args:
        for line in sys.stdin:
            if line.strip():
                print(brief(json.loads(line)))
        return
    path = args[0]
    rows = [json.loads(l) for l in open(path) if l.strip()]
    # One run of bench/cluster.sh (its "run" stamp): the last one in the file, or --run STAMP.
    runs = [r.get("run", "") for r in rows]
    run = args[args.index("--run") + 1] if "--run" in args else (runs[-1] if runs else "")
    rows = [r for r in rows if r.get("run", "") == run]
    md = table(rows)
    print(md)
    if "--markdown" in args:
        with open(args[args.index("--markdown") + 1], "w") as f:
            f.write(md)


if __name__ == "__main__":
    main()
