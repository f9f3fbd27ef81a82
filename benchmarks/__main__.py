"""python -m benchmarks [--quick] [--only NAME[,NAME]] [--out FILE] [--write-docs] [--peers-python PY]

NAME is a workload (chain, mlp, cnn, rnn, jacobian, hvp, transformer, lstm, hessian, persample,
op_notape_us, op_tape_us) or a section (table, scaling, memory, limits). Default: everything.
"""
import argparse
import os
import subprocess
import sys
import time

from . import THREAD_ENV, report
from .peers import FRAMEWORKS, MODULES
from .workloads.data import ALL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PEERS = "/work/peers-venv/bin/python"
SECTIONS = ["table", "scaling", "memory", "limits"]


def child_env():
    env = dict(os.environ, **THREAD_ENV, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def available_peers(python):
    """Peer frameworks importable from ``python`` (found without importing them)."""
    code = ("import importlib.util as u, sys; "
            f"print(' '.join(k for k, m in {MODULES!r}.items() if u.find_spec(m)))")
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60,
                             env=child_env())
        return [fw for fw in out.stdout.split() if fw in FRAMEWORKS]
    except (OSError, subprocess.SubprocessError) as e:
        print(f"note: cannot run {python}: {e}")
        return []


def run_framework(python, fw, names, quick, timeout, versions):
    """One subprocess timing ``names`` in ``fw``: {name: ms | 'n/a' | 'error'}."""
    cmd = [python, "-m", "benchmarks.run_one", fw] + (["--quick"] if quick else []) + names
    got = {}
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout)
        out, err = p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = f"timed out after {timeout:.0f} s"
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if parts[0] == "VERSION":
            versions[fw] = line.split(" ", 2)[2]
        elif parts[0] == "RESULT" and len(parts) >= 4:
            val = parts[3]
            if val.startswith("error"):
                print(f"error: {fw} {parts[2]}: {val[6:]}")
                got[parts[2]] = "error"
            else:
                got[parts[2]] = None if val == "n/a" else float(val)
    for n in names:
        if n not in got:
            tail = " | ".join(err.strip().splitlines()[-2:])[:200]
            print(f"error: {fw} {n}: no result ({tail or 'process failed'})")
            got[n] = "error"
    return got


def run_table(names, peers_python, peers, quick, rounds, timeout):
    frameworks = ["gradtape"] + peers
    samples, versions = {}, {}
    for r in range(rounds):
        order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
        for fw in order:
            t0 = time.perf_counter()
            python = sys.executable if fw == "gradtape" else peers_python
            for n, v in run_framework(python, fw, names, quick, timeout, versions).items():
                samples.setdefault((fw, n), []).append(v)
            print(f"  round {r + 1}/{rounds}: {fw} done in {time.perf_counter() - t0:.1f} s", flush=True)
    results = {k: report.combine(v) for k, v in samples.items()}
    return report.table(results, frameworks, names), versions


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, one round (smoke run)")
    ap.add_argument("--only", action="append", default=[], help="workloads or sections, comma-separated")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "latest.md"))
    ap.add_argument("--write-docs", action="store_true", help="also write docs/benchmarks.md")
    ap.add_argument("--peers-python", default=None, help=f"Python with the peers (default {DEFAULT_PEERS})")
    ap.add_argument("--no-peers", action="store_true", help="time gradtape only")
    ap.add_argument("--rounds", type=int, default=None, help="alternating rounds (default 2, quick 1)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per framework process")
    a = ap.parse_args(argv)
    only = [x for o in a.only for x in o.split(",") if x]
    bad = [x for x in only if x not in ALL + SECTIONS]
    if bad:
        ap.error(f"unknown names {bad}; choose from {ALL + SECTIONS}")
    if a.write_docs and (a.quick or only):
        ap.error("--write-docs needs a full run (no --quick, no --only): it replaces docs/benchmarks.md")
    names = [n for n in ALL if n in only] or (ALL if not only or "table" in only else [])
    sections = [s for s in SECTIONS[1:] if s in only or not only]
    peers_python = a.peers_python or (DEFAULT_PEERS if os.path.exists(DEFAULT_PEERS) else None)
    peers = []
    if a.no_peers:
        peers_python = None
    elif peers_python is None:
        print(f"note: no peers Python ({DEFAULT_PEERS} not found); timing gradtape only")
    else:
        peers = available_peers(peers_python)
        print(f"peers from {peers_python}: {', '.join(peers) or 'none importable'}")
    t_start, out_md, docs_sections, versions = time.perf_counter(), [], [], {}
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"note: the machine is busy (load average {load:.1f} on {os.cpu_count()} cores): "
              "timings are noisy")
    if names:
        rounds = a.rounds or (1 if a.quick else 2)
        tbl, versions = run_table(names, peers_python, peers, a.quick, rounds, a.timeout)
        print("\n" + tbl + "\n")
        out_md.append(tbl)
    for s in sections:
        mod = __import__(f"benchmarks.{s}", fromlist=["run"])
        torch_py = peers_python if "torch" in peers else None
        text = mod.run(quick=a.quick, peers_python=torch_py, env=child_env())
        print(f"\n## {s}\n{text}", flush=True)
        docs_sections.append((s.capitalize(), text))
        out_md.append(f"## {s}\n\n```\n{text.rstrip()}\n```")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n\n".join(out_md) + "\n")
    print(f"wrote {a.out} ({time.perf_counter() - t_start:.0f} s)")
    if a.write_docs:
        path = os.path.join(ROOT, "docs", "benchmarks.md")
        report.write_docs(path, out_md[0] if names else "(table not run)", docs_sections, versions,
                          THREAD_ENV["OMP_NUM_THREADS"], (load, os.getloadavg()[0]),
                          " ".join(["python -m benchmarks"] + list(sys.argv[1:] if argv is None else argv)))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
