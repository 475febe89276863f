"""Usage-plan buckets shared across processes (Dagster runs each step in its own process)."""
import subprocess
import sys
import textwrap
import time

from pipelines.spapi.ratelimit import RateLimiter, SharedTokenBucket
from pipelines.spapi.regions import UsagePlan


def test_shared_bucket_reserves_like_a_local_one(tmp_path):
    waits, now = [], [1000.0]
    bucket = SharedTokenBucket(tmp_path / "op.json", rate=0.5, burst=2, sleep=waits.append, clock=lambda: now[0])
    assert [bucket.acquire(), bucket.acquire(), bucket.acquire()] == [0.0, 0.0, 2.0]
    now[0] += 10  # refills, capped at the burst
    assert bucket.acquire() == 0.0 and bucket.acquire() == 0.0
    bucket.drain()
    assert bucket.acquire() == 2.0
    bucket.set_rate(4.0)
    assert bucket.rate == 4.0


def test_two_processes_draw_from_one_quota(tmp_path):
    """Burst 2 at 10/s, two processes starting together: across both, the k-th
    call is at least (k - 1) / 10 s after the first, as one quota requires."""
    start_at = time.time() + 1.5
    worker = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from pipelines.spapi.ratelimit import RateLimiter
        from pipelines.spapi.regions import UsagePlan
        limiter = RateLimiter({{"op": UsagePlan(10.0, 2)}}, state_dir=Path({str(tmp_path)!r}))
        time.sleep(max(0.0, {start_at} - time.time()))
        for _ in range(4):
            limiter.acquire("op")
            print(time.time(), flush=True)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", worker], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    stamps = sorted(float(line) for out in outs for line in out.split())
    assert len(stamps) == 8
    for k in range(2, 8):
        assert stamps[k] - stamps[0] >= (k - 1) / 10.0 - 0.03, (k, stamps)


def test_a_per_process_limiter_keeps_no_files(tmp_path):
    limiter = RateLimiter({"op": UsagePlan(10.0, 2)})
    limiter.acquire("op")
    assert list(tmp_path.iterdir()) == []


def test_data_kiosk_query_slots_are_shared_across_processes(tmp_path):
    """Two slots held by two other processes: a third holder waits until one is freed."""
    import threading

    from pipelines.spapi.datakiosk import FileSlots

    release = tmp_path / "release"
    holder = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from pipelines.spapi.datakiosk import FileSlots
        with FileSlots(Path({str(tmp_path / "slots")!r}), 2, poll=0.01):
            print("held", flush=True)
            while not Path({str(release)!r}).exists():
                time.sleep(0.01)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["held", "held"]
        got = threading.Event()

        def third():
            with FileSlots(tmp_path / "slots", 2, poll=0.01):
                got.set()

        waiter = threading.Thread(target=third)
        waiter.start()
        assert not got.wait(0.5)  # both slots are taken by the other processes
        release.touch()
        assert got.wait(30)
        waiter.join()
    finally:
        release.touch()
        for p in procs:
            p.wait(timeout=30)


def test_threads_of_one_process_do_not_share_a_slot(tmp_path):
    import threading

    from pipelines.spapi.datakiosk import FileSlots

    slots, inside, peak, lock = FileSlots(tmp_path, 2, poll=0.01), [0], [0], threading.Lock()

    def work():
        with slots:
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.05)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2
