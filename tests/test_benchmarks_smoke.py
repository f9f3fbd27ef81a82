"""Smoke test of the benchmark suite: it runs, and the table has its rows (no timing assertions)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402


def test_quick_run_writes_table(tmp_path, capsys):
    out = tmp_path / "latest.md"
    assert main(["--quick", "--no-peers", "--only", "chain,hvp", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| workload | gradtape ms |" in text
    rows = [ln for ln in text.splitlines()
            if ln.startswith("| ") and "workload" not in ln and "---" not in ln]
    assert [r.split("|")[1].strip() for r in rows] == ["chain", "hvp"]
    assert "n/a" not in rows[0] and "error" not in capsys.readouterr().out


def test_table_ratio_against_fastest_peer():
    res = {("gradtape", "mlp"): 4.0, ("torch", "mlp"): 2.0, ("tf", "mlp"): 8.0, ("tf", "cnn"): "error"}
    md = report.table(res, ["gradtape", "tf", "torch"], ["mlp", "cnn"])
    assert "| mlp | 4 | 8 | 2 | torch | 2.00 |" in md  # no pairs: the ratio of the medians
    assert "| cnn | n/a | error | n/a | n/a | n/a |" in md


def test_paired_ratio_is_the_median_of_same_round_ratios():
    samples = {("gradtape", "mlp"): [1.0, 4.0, 2.0], ("torch", "mlp"): [2.0, 2.0, 8.0],
               ("tf", "mlp"): [9.0, 9.0, 9.0], ("gradtape", "cnn"): [1.0], ("tf", "cnn"): ["error"]}
    r = report.paired_ratios(samples, ["gradtape", "tf", "torch"], ["mlp", "cnn"])
    assert r == {"mlp": (0.5, 0.25, 2.0)}  # torch is fastest by median; pairs 0.5, 2.0, 0.25
    md = report.table({k: report.combine(v) for k, v in samples.items()}, ["gradtape", "tf", "torch"],
                      ["mlp"], r)
    assert "| mlp | 2 | 9 | 2 | torch | 0.50 (0.25-2.00) |" in md


def test_duel_ratios_replace_the_rounds_pairs():
    samples = {("gradtape", "mlp"): [1.0, 4.0], ("torch", "mlp"): [2.0, 2.0]}
    r = report.paired_ratios(samples, ["gradtape", "torch"], ["mlp"], {"mlp": [0.75, 0.5, 1.5, 0.25]})
    assert r["mlp"][0] == 0.625  # the rounds alone would give 1.25


class _FakeServer:
    """Answers with a fixed time that a 'slow spell' multiplies, and logs the asks."""

    def __init__(self, fw, ms, log):
        self.fw, self.ms, self.log = fw, ms, log

    def ask(self, name, timeout, seconds=None):
        self.log.append((self.fw, name, seconds))
        return self.ms * (3.0 if len(self.log) in (3, 4) else 1.0)  # the 2nd duel runs slow


def test_duels_pair_back_to_back_timings_alternately_first(monkeypatch):
    from benchmarks import __main__ as suite
    monkeypatch.setattr(suite, "SETTLE", 0)
    log = []
    servers = {"gradtape": _FakeServer("gradtape", 1.0, log), "torch": _FakeServer("torch", 2.0, log),
               "tf": _FakeServer("tf", 5.0, log)}
    samples = {("gradtape", "mlp"): [1.0], ("torch", "mlp"): [2.0], ("tf", "mlp"): [5.0]}
    ratios = suite.run_duels(servers, ["mlp"], samples, ["tf", "torch"], 3, timeout=1)
    assert ratios == {"mlp": [0.5, 0.5, 0.5]}  # the slow spell hit both sides of its duel
    assert [fw for fw, _, _ in log] == ["gradtape", "torch", "torch", "gradtape", "gradtape", "torch"]
    assert all(s == suite.DUEL_SECONDS for _, _, s in log)


def test_a_framework_that_fails_to_load_reports_errors(capsys):
    from benchmarks.__main__ import Server
    sv = Server(sys.executable, "nosuchframework", quick=True, timeout=120)
    assert sv.error and sv.ask("mlp", 10) == "error"
    assert "error: nosuchframework" in capsys.readouterr().out
    sv.close()


def test_a_server_answers_workload_by_workload():
    from benchmarks.__main__ import Server
    sv = Server(sys.executable, "gradtape", quick=True, timeout=120)
    try:
        assert sv.version and sv.error is None
        assert isinstance(sv.ask("hvp", 120), float)
        assert isinstance(sv.ask("hvp", 120, 0.05), float)  # a short timing (a duel)
        assert sv.ask("nosuchworkload", 120) is None  # n/a
    finally:
        sv.close()


def test_overhead_section_splits_both_steps_and_they_agree(tmp_path):
    out = tmp_path / "latest.md"
    assert main(["--quick", "--no-peers", "--only", "overhead", "--out", str(out)]) == 0
    text = out.read_text()
    rows = {ln.split()[0]: ln for ln in text.splitlines() if ln.startswith(("NumPy", "gradtape"))}
    assert set(rows) == {"NumPy", "gradtape"}
    for ln in rows.values():
        total, products, rest = (float(v) for v in ln.split()[-3:])
        assert total > 0 and 0 < products < total
    err = float(text.split("differ by at most ")[1].split()[0])
    assert err < 1e-5  # the hand-written step computes the same gradients
