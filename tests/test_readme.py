"""The README's Python examples run as written, and its commands are the ones CI runs."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_readme_python_blocks_run(k):
    namespace = {}
    for block in BLOCKS[: k + 1]:  # later blocks build on earlier ones
        exec(compile(block, f"README.md block {k}", "exec"), namespace)


def test_readme_starts_with_the_two_setup_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert len(first_block) == 2
    assert "'.[examples]'" in first_block[0] and "gradtape.demo" in first_block[0]
    assert "'.[test]'" in first_block[1] and "pytest" in first_block[1]
    assert README.index("```bash") < README.index("gradtape**")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "grep -m1 \"^python3 -m venv .venv && .venv/bin/pip install -e '.\\[test\\]'\" README.md" in ci
