"""Sandbox knobs and the shared context every API handler uses."""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipelines.sandbox.documents import DocumentStore
from pipelines.sandbox.faults import FaultBook
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller


@dataclass(frozen=True)
class SandboxConfig:
    """What the sandbox simulates; see the module docs of ``pipelines.sandbox.server``."""

    seed: int = 7
    orders_per_day: int = 40
    skus: int = 24
    marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES)
    processing_delay: float = 1.0  # seconds a report/query stays IN_QUEUE/IN_PROGRESS
    time_scale: float = 1.0  # official rate limits are multiplied by this
    vendor: bool = False  # the account is a vendor (Data Kiosk vendorAnalytics allowed)
    dk_page_records: int = 1000  # Data Kiosk records per document page
    document_ttl: float = 300.0  # seconds a document URL stays valid
    token_ttl: float = 3600.0  # seconds an LWA access token / restricted data token stays valid
    workers: int = 2  # background threads rendering reports and running queries
    # Reports expected to exceed this many rows render in a separate process, so the
    # server (and an in-process pipeline) keeps the GIL while a big document is built.
    process_render_rows: int = 200_000
    # A connection that sits idle, or stalls mid-request or mid-response, this many seconds is closed.
    connection_timeout: float = 10.0
    max_body_bytes: int = 1024 * 1024  # a larger request body is refused with 413 before it is read

    def __post_init__(self) -> None:
        unknown = [m for m in self.marketplace_ids if m not in MARKETPLACES]
        if unknown:
            raise ValueError(f"SandboxConfig.marketplace_ids: unknown {unknown}; known: {sorted(MARKETPLACES)}")
        for name in ("processing_delay", "document_ttl", "token_ttl"):
            if getattr(self, name) < 0:
                raise ValueError(f"SandboxConfig.{name} must be >= 0, got {getattr(self, name)}")
        for name in ("connection_timeout", "max_body_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"SandboxConfig.{name} must be > 0, got {getattr(self, name)}")
        if self.time_scale <= 0:
            raise ValueError(f"SandboxConfig.time_scale must be > 0, got {self.time_scale}")
        if self.dk_page_records < 1:
            raise ValueError(f"SandboxConfig.dk_page_records must be >= 1, got {self.dk_page_records}")

    def new_seller(self) -> SyntheticSeller:
        return SyntheticSeller(seed=self.seed, orders_per_day=self.orders_per_day, skus=self.skus,
                               marketplace_ids=self.marketplace_ids)


@dataclass
class Context:
    config: SandboxConfig
    docs: DocumentStore
    faults: FaultBook
    pool: ThreadPoolExecutor
    base_url: str = ""
    seller: SyntheticSeller = field(init=False)
    _processes: ProcessPoolExecutor | None = field(init=False, default=None)
    _processes_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    # The sandbox's "now" is the real time plus this offset (travel_to): lets a test
    # observe the seller before and after its late orders were updated.
    clock_offset: timedelta = field(init=False, default=timedelta(0))

    def __post_init__(self) -> None:
        self.seller = self.config.new_seller()

    def processes(self) -> ProcessPoolExecutor:
        """A one-worker process pool for big renders, started on first use."""
        with self._processes_lock:
            if self._processes is None:
                self._processes = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            return self._processes

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self._processes is not None:
            self._processes.shutdown(wait=False, cancel_futures=True)
        self.docs.close()

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.clock_offset

    def travel_to(self, moment: datetime | None) -> None:
        """Make ``moment`` the sandbox's present (None: back to the real time)."""
        self.clock_offset = timedelta(0) if moment is None else moment - datetime.now(timezone.utc)

    def delay_for(self, operation: str) -> float:
        """The processing delay of a new job, stretched by an armed ``slow`` fault."""
        slow = self.faults.take("slow", operation)
        return self.config.processing_delay * (float(slow.params.get("factor", 5)) if slow else 1.0)

    def forced_outcome(self, operation: str) -> str | None:
        if self.faults.take("fatal", operation):
            return "FATAL"
        if self.faults.take("cancelled", operation):
            return "CANCELLED"
        return None
