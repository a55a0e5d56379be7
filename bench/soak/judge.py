#!/usr/bin/env python3
"""Judges a soak run written by bench/soak.sh: judge.py OUT_DIR WINDOWS.

Reads samples.csv (RSS and descriptors every 10 s) and window-N.json (each window's load
summary), prints one row per window, writes soak.json, and exits 1 when a figure misses
its target. The first window is the warm-up: growth is measured from the second.
"""
import csv
import json
import statistics
import sys

RSS_GROWTH_MAX = 0.05
P95_DRIFT_MAX = 0.10
FD_SLACK_RATIO, FD_SLACK_ABS = 0.05, 4


def endpoint(summary, name):
    for row in summary.get("endpoints", []):
        if row.get("name") == name:
            return row
    return None


def p95_ms(row):
    return row["latency_us"]["percentiles"]["p95"] / 1000.0


def main(out, windows):
    samples = list(csv.DictReader(open(f"{out}/samples.csv")))
    rows = []
    for i in range(1, windows + 1):
        begin = int(open(f"{out}/window-{i}.start").read())
        end = int(open(f"{out}/window-{i}.end").read())
        inside = [s for s in samples if begin <= int(s["seconds"]) <= end]
        try:
            summary = json.load(open(f"{out}/window-{i}.json"))
        except (OSError, ValueError) as e:
            sys.exit(f"soak: window {i} wrote no summary ({e}); see {out}/window-{i}.log")
        aggregate = summary["aggregate"]
        query = endpoint(summary, "/query") or {}
        rows.append({
            "window": i,
            "start_s": begin,
            "end_s": end,
            "requests": aggregate["requests"],
            "failures": aggregate["failures"],
            "rps": aggregate.get("requests_per_s"),
            "query_p95_ms": p95_ms(query) if query else None,
            "all_p95_ms": p95_ms(aggregate),
            "serve_rss_mb": statistics.median(int(s["serve_rss_kb"]) for s in inside) / 1024 if inside else None,
            "serve_fds": statistics.median(int(s["serve_fds"]) for s in inside) if inside else None,
            "sim_rss_mb": statistics.median(int(s["sim_rss_kb"]) for s in inside) / 1024 if inside else None,
            "sim_fds": statistics.median(int(s["sim_fds"]) for s in inside) if inside else None,
        })

    print(f"{'window':>6} {'requests':>9} {'fail':>5} {'req/s':>7} {'/query p95':>11} {'serve RSS':>10} "
          f"{'fds':>5} {'sim RSS':>8} {'fds':>5}")
    for r in rows:
        print(f"{r['window']:>6} {r['requests']:>9} {r['failures']:>5} {r['rps']:>7.1f} "
              f"{r['query_p95_ms']:>9.0f}ms {r['serve_rss_mb']:>8.1f}MB {r['serve_fds']:>5.0f} "
              f"{r['sim_rss_mb']:>6.1f}MB {r['sim_fds']:>5.0f}")

    settled, last = rows[1], rows[-1]
    rss_growth = last["serve_rss_mb"] / settled["serve_rss_mb"] - 1
    sim_rss_growth = last["sim_rss_mb"] / settled["sim_rss_mb"] - 1
    p95_drift = abs(last["query_p95_ms"] / rows[0]["query_p95_ms"] - 1)
    fd_bound = settled["serve_fds"] * (1 + FD_SLACK_RATIO) + FD_SLACK_ABS
    failures = sum(r["failures"] for r in rows)
    checks = {
        "serve_rss_growth": (rss_growth, rss_growth < RSS_GROWTH_MAX, f"< {RSS_GROWTH_MAX:.0%}"),
        "sim_rss_growth": (sim_rss_growth, sim_rss_growth < RSS_GROWTH_MAX, f"< {RSS_GROWTH_MAX:.0%}"),
        "query_p95_drift": (p95_drift, p95_drift < P95_DRIFT_MAX, f"< {P95_DRIFT_MAX:.0%}"),
        "serve_fds_flat": (last["serve_fds"], last["serve_fds"] <= fd_bound, f"<= {fd_bound:.0f}"),
        "failures": (failures, failures == 0, "= 0"),
    }
    verdict = all(ok for _, ok, _ in checks.values())
    json.dump({"windows": rows, "checks": {k: {"value": v, "passed": ok, "target": t}
                                           for k, (v, ok, t) in checks.items()},
               "passed": verdict}, open(f"{out}/soak.json", "w"), indent=2)
    missed = [k for k, (_, ok, _) in checks.items() if not ok]
    print(f"soak: serve RSS {rss_growth:+.1%} (target < 5%), sim RSS {sim_rss_growth:+.1%}, "
          f"/query p95 drift {p95_drift:.1%} (target < 10%), serve fds {settled['serve_fds']:.0f} -> "
          f"{last['serve_fds']:.0f}, failures {failures}: " + ("PASS" if verdict else "FAIL (" + ", ".join(missed) + ")"))
    return 0 if verdict else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: judge.py OUT_DIR WINDOWS")
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
