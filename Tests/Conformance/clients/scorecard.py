#!/usr/bin/env python3
"""Scorecard of the client battery: per client, scenarios passed / failed and the findings.

    scorecard.py --baseline baseline.json [--docs docs/clients.md] [--update] NAME=REPORT_DIR ...

Compares each client's result per scenario (status and finding ids) with the committed baseline and
exits 1 on any difference, printing it; with --update it rewrites the baseline and the scorecard
between the markers in docs/clients.md instead.
"""
import json
import sys

BEGIN, END = "<!-- scorecard:begin -->", "<!-- scorecard:end -->"


def did(failed):
    """What the client did, from its failed checks: how it ended, its attempts, what it printed."""
    parts = []
    for e in failed:
        check = e["name"].split(": ", 1)[-1]
        if check.startswith("outcome"):
            parts.insert(0, e["actual"].split(": ", 1)[-1][:140])
        elif check.startswith(("attempts", "stdout", "wall_ms", "exit")) and not check.startswith("exit"):
            parts.append(f"{check}: {e['actual'][:100]}")
        elif check.startswith("exit") and not any(p.startswith("exited") for p in parts):
            parts.append(e["actual"][:100])
    return "; ".join(parts)


def load(directory):
    try:
        with open(f"{directory}/run.json") as f:
            run = json.load(f)
    except (OSError, ValueError) as error:
        sys.exit(f"scorecard: no usable report in {directory} ({error}); see {directory}.log")
    out = {}
    for r in run["results"]:
        failed = [e for e in r.get("expectations", []) if not e.get("passed", True)]
        out[r["id"]] = {
            "status": r["outcome"]["status"],
            "findings": sorted({f["id"] for f in r.get("findings", [])}),
            "did": did(failed) or r["outcome"].get("message", "")[:200],
        }
    return out


def markdown(results):
    lines = ["| Client | Scenarios | Passed | Failed | Findings |", "|---|---|---|---|---|"]
    for name, res in results.items():
        failed = [k for k, v in res.items() if v["status"] != "passed"]
        counts = {}
        for v in res.values():
            for f in v["findings"]:
                counts[f] = counts.get(f, 0) + 1
        findings = ", ".join(f"`{k}` ×{n}" for k, n in sorted(counts.items())) or "none"
        lines.append(f"| `{name}` | {len(res)} | {len(res) - len(failed)} | {len(failed)} | {findings} |")
    for name, res in results.items():
        failed = sorted(k for k, v in res.items() if v["status"] != "passed")
        if not failed:
            continue
        lines += ["", f"**{name}** — what it did wrong:", "", "| Scenario | Findings | What the client did |", "|---|---|---|"]
        for k in failed:
            v = res[k]
            did = v["did"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{k}` | {', '.join(v['findings']) or '—'} | {did} |")
    return "\n".join(lines)


def main(argv):
    baseline_path, docs, update, runs = None, None, False, {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--baseline":
            baseline_path, i = argv[i + 1], i + 2
        elif a == "--docs":
            docs, i = argv[i + 1], i + 2
        elif a == "--update":
            update, i = True, i + 1
        else:
            name, _, directory = a.partition("=")
            runs[name], i = directory, i + 1
    results = {name: load(d) for name, d in runs.items()}
    summary = {n: {k: {"status": v["status"], "findings": v["findings"]} for k, v in r.items()} for n, r in results.items()}
    if update:
        with open(baseline_path, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
        if docs:
            text = open(docs).read()
            if BEGIN in text and END in text:
                head, rest = text.split(BEGIN, 1)
                _, tail = rest.split(END, 1)
                open(docs, "w").write(head + BEGIN + "\n" + markdown(results) + "\n" + END + tail)
        print(f"baseline and scorecard updated ({', '.join(runs)})")
        return 0
    with open(baseline_path) as f:
        baseline = json.load(f)
    diffs = []
    for name, res in summary.items():
        want = baseline.get(name, {})
        for k in sorted(set(res) | set(want)):
            if res.get(k) != want.get(k):
                diffs.append(f"{name} {k}: baseline {want.get(k)} → now {res.get(k)}"
                             + (f" ({results[name][k]['did']})" if k in results[name] and results[name][k]["did"] else ""))
    print(markdown(results))
    if diffs:
        print(f"\n{len(diffs)} difference(s) from Tests/Conformance/clients/baseline.json "
              "(a client or our judging changed; if intended, rerun with --update):")
        for d in diffs:
            print("  " + d)
        return 1
    print("\nclient battery: every client matches its baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
