"""Sandbox knobs and the shared context every API handler uses."""
from __future__ import annotations

import hashlib
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from pipelines.sandbox.credentials import DEFAULT_TENANT
from pipelines.sandbox.documents import DocumentStore
from pipelines.sandbox.faults import FaultBook
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller


@dataclass(frozen=True)
class Tenant:
    """One selling-partner account the sandbox serves: its own LWA refresh token
    (``credentials.tenant_credentials``), usage-plan buckets, reports and queries,
    role (seller or vendor) and marketplaces."""

    name: str
    marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES)
    vendor: bool = False

    def seed(self, base: int) -> int:
        """The seed of this account's synthetic seller: ``base`` for the default account, else
        one derived from the name, so two accounts do not hold the same rows.

        >>> Tenant(DEFAULT_TENANT).seed(7), Tenant("brand-eu").seed(7) == Tenant("brand-eu").seed(7) != 7
        (7, True)
        """
        if self.name == DEFAULT_TENANT:
            return base
        return base + 1 + int(hashlib.sha256(self.name.encode()).hexdigest()[:8], 16) % 1_000_000

    def seller_id(self) -> str:
        """The merchant id its documents carry (the default account's is ``A2SANDBOXSELLER``)."""
        if self.name == DEFAULT_TENANT:
            return "A2SANDBOXSELLER"
        return "A2SBX" + hashlib.sha256(self.name.encode()).hexdigest()[:9].upper()

    def order_block(self) -> int:
        """Which block of order numbers its orders take (0 for the default account, 1-99 for others)."""
        if self.name == DEFAULT_TENANT:
            return 0
        return 1 + int(hashlib.sha256(self.name.encode()).hexdigest()[8:16], 16) % 99


@dataclass(frozen=True)
class SandboxConfig:
    """What the sandbox simulates; see the module docs of ``pipelines.sandbox.server``."""

    seed: int = 7
    orders_per_day: int = 40
    skus: int = 24
    marketplace_ids: tuple[str, ...] = tuple(MARKETPLACES)  # the default account's (without ``tenants``)
    processing_delay: float = 1.0  # seconds a report/query stays IN_QUEUE/IN_PROGRESS
    time_scale: float = 1.0  # official rate limits are multiplied by this
    vendor: bool = False  # the default account is a vendor (Data Kiosk vendorAnalytics allowed)
    # The accounts served; empty: one, DEFAULT_TENANT, selling in marketplace_ids (a vendor if vendor).
    tenants: tuple[Tenant, ...] = ()
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
        self._check_tenants()
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

    def _check_tenants(self) -> None:
        if not self.tenants:
            return
        if self.vendor or self.marketplace_ids != tuple(MARKETPLACES):
            raise ValueError("SandboxConfig: give marketplace_ids and vendor per tenant when tenants are given")
        names = [t.name for t in self.tenants]
        if not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
            raise ValueError(f"SandboxConfig.tenants: names must be distinct and non-empty, got {names}")
        for t in self.tenants:
            unknown = [m for m in t.marketplace_ids if m not in MARKETPLACES]
            if unknown or not t.marketplace_ids:
                raise ValueError(f"SandboxConfig.tenants: account {t.name!r} has marketplace ids "
                                 f"{list(t.marketplace_ids)}; give one or more of {sorted(MARKETPLACES)}")

    @property
    def accounts(self) -> tuple[Tenant, ...]:
        """Every account served, the default one first."""
        return self.tenants or (Tenant(DEFAULT_TENANT, self.marketplace_ids, self.vendor),)

    def tenant(self, name: str | None = None) -> Tenant:
        """The account called ``name`` (None: the first)."""
        found = next((t for t in self.accounts if name is None or t.name == name), None)
        if found is None:
            raise KeyError(f"the sandbox serves no account {name!r}; it serves {[t.name for t in self.accounts]}")
        return found

    def new_seller(self, tenant: Tenant | str | None = None) -> SyntheticSeller:
        """The synthetic seller behind an account (None: the first): its ground truth."""
        t = tenant if isinstance(tenant, Tenant) else self.tenant(tenant)
        return SyntheticSeller(seed=t.seed(self.seed), orders_per_day=self.orders_per_day, skus=self.skus,
                               marketplace_ids=t.marketplace_ids, seller_id=t.seller_id(),
                               order_block=t.order_block())


@dataclass
class Context:
    config: SandboxConfig
    docs: DocumentStore
    faults: FaultBook
    pool: ThreadPoolExecutor
    base_url: str = ""
    sellers: dict[str, SyntheticSeller] = field(init=False)  # account name -> its synthetic seller
    _processes: ProcessPoolExecutor | None = field(init=False, default=None)
    _processes_lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    # The sandbox's "now" is the real time plus this offset (travel_to): lets a test
    # observe the seller before and after its late orders were updated.
    clock_offset: timedelta = field(init=False, default=timedelta(0))

    def __post_init__(self) -> None:
        self.sellers = {t.name: self.config.new_seller(t) for t in self.config.accounts}

    @property
    def seller(self) -> SyntheticSeller:
        """The first account's seller."""
        return self.sellers[self.config.accounts[0].name]

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
