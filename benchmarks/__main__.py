"""python -m benchmarks [--quick] [--only NAME[,NAME]] [--out FILE] [--write-docs] [--peers-python PY]

NAME is a workload (chain, mlp, cnn, rnn, jacobian, hvp, transformer, lstm, hessian, persample,
op_notape_us, op_tape_us, keras_fit) or a section (table, scaling, memory, limits, overhead). Default: everything.
"""
import argparse
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time

from . import THREAD_ENV, report
from .peers import FRAMEWORKS, MODULES
from .workloads.data import ALL

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PEERS = "/work/peers-venv/bin/python"
SECTIONS = ["table", "scaling", "memory", "limits", "overhead"]
SETTLE = 0.2  # s between frameworks: the last one's BLAS threads stop spinning


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


class Server:
    """One framework's ``run_one --serve`` process: asked one workload at a time."""

    def __init__(self, python, fw, quick, timeout):
        self.fw, self.version, self.error = fw, None, None
        self.lines: queue.Queue = queue.Queue()
        self.stderr = tempfile.TemporaryFile(mode="w+")
        cmd = [python, "-m", "benchmarks.run_one", "--serve", fw] + (["--quick"] if quick else [])
        try:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        except OSError as e:
            self.proc, self.error = None, f"cannot start {python}: {e}"
            return
        threading.Thread(target=self._read, daemon=True).start()
        line = self._next(timeout)
        if line and line.startswith("VERSION "):
            self.version = line.split(" ", 2)[2]
        else:
            self._fail(line[10:] if line and line.startswith("LOADERROR ") else "did not start")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the process ended

    def _next(self, timeout):
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def _fail(self, why):
        self.stderr.seek(0)
        tail = " | ".join(self.stderr.read().strip().splitlines()[-2:])[:200]
        self.error = f"{why}{' (' + tail + ')' if tail else ''}"
        print(f"error: {self.fw}: {self.error}")
        self.close()

    def ask(self, name, timeout, seconds=None):
        """ms (us for ``*_us``) | None (the framework lacks it) | 'error'. ``seconds``: a short
        timing of about that long (the duels)."""
        if self.error:
            return "error"
        try:
            self.proc.stdin.write(name + ("" if seconds is None else f" {seconds}") + "\n")
            self.proc.stdin.flush()
        except OSError:
            self._fail("the process ended")
            return "error"
        line = self._next(timeout)
        parts = (line or "").split(" ", 3)
        if parts[0] != "RESULT" or len(parts) < 4 or parts[2] != name:
            self._fail(f"no result for {name}" if line is None else f"unexpected output {line[:80]!r}")
            return "error"
        if parts[3].startswith("error"):
            print(f"error: {self.fw} {name}: {parts[3][6:]}")
            return "error"
        return None if parts[3] == "n/a" else float(parts[3])

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()


def run_table(names, peers_python, peers, quick, rounds, timeout, duels):
    """Every framework in a process of its own, all started once; each round times every
    workload in every framework, the order of frameworks rotating from workload to workload,
    so a slow spell of the machine hits neighbours in time alike. Then ``duels`` duels per
    workload between gradtape and its fastest peer give the ratio column."""
    frameworks = ["gradtape"] + peers
    servers = {}
    for fw in frameworks:
        servers[fw] = Server(sys.executable if fw == "gradtape" else peers_python, fw, quick, timeout)
    versions = {fw: sv.version for fw, sv in servers.items() if sv.version}
    samples = {}
    try:
        for r in range(rounds):
            t0 = time.perf_counter()
            for i, n in enumerate(names):
                k = (r + i) % len(frameworks)
                for fw in frameworks[k:] + frameworks[:k]:
                    samples.setdefault((fw, n), []).append(servers[fw].ask(n, timeout))
                    time.sleep(SETTLE)
            print(f"  round {r + 1}/{rounds} done in {time.perf_counter() - t0:.1f} s", flush=True)
        ratios = run_duels(servers, names, samples, peers, duels, timeout)
    finally:
        for sv in servers.values():
            sv.close()
    results = {k: report.combine(v) for k, v in samples.items()}
    return report.table(results, frameworks, names,
                        report.paired_ratios(samples, frameworks, names, ratios)), versions


DUEL_SECONDS = 0.15  # each side of a duel times its workload for about this long


def run_duels(servers, names, samples, peers, duels, timeout):
    """name -> gradtape's time over its fastest peer's, one ratio per duel: the two timed one
    right after the other (alternately first) for DUEL_SECONDS each, so that both see the
    machine in the same state; the workloads take turns, so the duels spread over the run."""
    best = {n: report.fastest_peer(samples, peers, n) for n in names}
    best = {n: p for n, p in best.items()
            if p is not None and any(isinstance(v, float) for v in samples.get(("gradtape", n), []))}
    ratios = {n: [] for n in best}
    t0 = time.perf_counter()
    for j in range(duels):
        for n, peer in best.items():
            got = {}
            for fw in (("gradtape", peer) if j % 2 == 0 else (peer, "gradtape")):
                got[fw] = servers[fw].ask(n, timeout, DUEL_SECONDS)
                time.sleep(SETTLE)
            g, b = got["gradtape"], got[peer]
            if isinstance(g, float) and isinstance(b, float) and b > 0:
                ratios[n].append(g / b)
    if duels and best:
        print(f"  {duels} duels per workload done in {time.perf_counter() - t0:.1f} s", flush=True)
    return ratios


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, one round (smoke run)")
    ap.add_argument("--only", action="append", default=[], help="workloads or sections, comma-separated")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "latest.md"))
    ap.add_argument("--write-docs", action="store_true", help="also write docs/benchmarks.md")
    ap.add_argument("--peers-python", default=None, help=f"Python with the peers (default {DEFAULT_PEERS})")
    ap.add_argument("--no-peers", action="store_true", help="time gradtape only")
    ap.add_argument("--rounds", type=int, default=None, help="alternating rounds (default 2, quick 1)")
    ap.add_argument("--duels", type=int, default=None,
                    help="duels per workload with the fastest peer for the ratio (default 12, quick 0)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per workload (and per start)")
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
        duels = a.duels if a.duels is not None else (0 if a.quick else 12)
        tbl, versions = run_table(names, peers_python, peers, a.quick, rounds, a.timeout, duels)
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
