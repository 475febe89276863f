"""A sync killed at an arbitrary moment, then run again, leaves exactly the
sandbox's rows: no duplicate, no missing row."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

from pipelines.catalog import entry
from pipelines.sandbox.seller import SyntheticSeller
from tests.e2e.conftest import LAST_DAY

ORDERS = entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
MARKETPLACES = ("ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528")
DAYS = 6
ORDERS_PER_DAY = 3000

SYNC = textwrap.dedent(f"""
    from dagster import AssetSelection, DagsterInstance, materialize
    from assets.accounts import register_accounts
    from pipelines.config import Settings
    from pipelines.definitions import build_definitions
    defs = build_definitions()
    instance = DagsterInstance.ephemeral()
    register_accounts(instance, Settings.from_env())
    for n in range({DAYS}):  # one run per day: landings follow each other
        day = "{LAST_DAY - timedelta(days=DAYS - 1)}"
        import datetime
        day = (datetime.date.fromisoformat(day) + datetime.timedelta(days=n)).isoformat()
        materialize(list(defs.assets), resources=defs.resources, partition_key="sandbox|" + day, instance=instance,
                    selection=AssetSelection.assets("{ORDERS.asset_name}"))
        print("landed", day, flush=True)
""")


def test_a_sync_killed_mid_run_and_run_again_lands_every_row_once(sandbox_env, tmp_path):
    env = {**os.environ, "SPAPI_SANDBOX_ORDERS_PER_DAY": str(ORDERS_PER_DAY)}
    script = tmp_path / "sync.py"
    script.write_text(SYNC)
    root = Path(__file__).parents[2]

    victim = subprocess.Popen([sys.executable, str(script)], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert victim.stdout.readline().startswith("landed")  # at least one day is in
        time.sleep(0.3)  # somewhere inside a later day's request or load
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)

    rerun = subprocess.run([sys.executable, str(script)], cwd=root, env=env, capture_output=True,
                           text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]

    from pipelines.warehouse import Warehouse

    seller = SyntheticSeller(orders_per_day=ORDERS_PER_DAY)
    first = LAST_DAY - timedelta(days=DAYS - 1)
    expected = sum(len(seller.order_items(mp, first + timedelta(days=d))) for mp in MARKETPLACES
                   for d in range(DAYS))
    wh = Warehouse(sandbox_env.warehouse_path)
    assert wh.query(f"SELECT count(*) FROM {ORDERS.table}")[0][0] == expected
    dupes = wh.query(f"SELECT count(*) FROM (SELECT amazon_order_id, sku, _marketplace_id FROM {ORDERS.table} "
                     "GROUP BY ALL HAVING count(*) > 1)")[0][0]
    assert dupes == 0
