"""``python -m pipelines.sandbox`` runs a server until interrupted and prints its URL."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import lwa

ROOT = Path(__file__).resolve().parents[2]


def test_module_entry_point_serves_until_ctrl_c():
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.sandbox", "--port", "0", "--seed", "3"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert m, line + proc.stderr.read()
        assert lwa(m.group(0)).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0
