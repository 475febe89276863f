"""Accounts as Dagster dynamic partitions, registered from the settings.

Every source is partitioned by account (× day or period for windowed ones). The
accounts come from the accounts file (or the single account of the environment):
a sensor, on by default, adds each configured account to the partition sets of
its kind (``seller_accounts``, ``vendor_accounts``, and ``accounts`` for reports
both kinds can request), so adding an account to the file changes no code. An
account removed from the file keeps its partitions (its history stays visible);
running one fails naming it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from dagster import (
    AddDynamicPartitionsRequest,
    DagsterInstance,
    DefaultSensorStatus,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from assets.common import account_set
from pipelines.config import Settings


def account_partition_requests(settings: Settings,
                               existing: Callable[[str], Sequence[str]]) -> list[AddDynamicPartitionsRequest]:
    """The configured accounts missing from each partition set (in the settings' order);
    ``existing(name)`` lists a set's partitions."""
    wanted: dict[str, list[str]] = {}
    for account in settings.accounts:
        for kinds in ((account.account_type,), ("seller", "vendor")):
            wanted.setdefault(account_set(kinds), []).append(account.name)
    requests = []
    for name, accounts in wanted.items():
        have = set(existing(name))
        missing = [a for a in accounts if a not in have]
        if missing:
            requests.append(AddDynamicPartitionsRequest(partitions_def_name=name, partition_keys=missing))
    return requests


def register_accounts(instance: DagsterInstance, settings: Settings) -> list[AddDynamicPartitionsRequest]:
    """Add the configured accounts to the instance's partition sets now (the CLI's sync
    and demo do, so they need no daemon); returns what was added."""
    requests = account_partition_requests(settings, instance.get_dynamic_partitions)
    for request in requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return requests


def accounts_sensor(settings: Settings):
    @sensor(name="account_partitions", minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
            description="Adds every configured account (accounts file or environment) as a partition of the "
                        "sources of its kind.")
    def _accounts(context: SensorEvaluationContext):
        requests = account_partition_requests(settings, context.instance.get_dynamic_partitions)
        if not requests:
            return SkipReason(f"all {len(settings.accounts)} configured account(s) are partitions already")
        return SensorResult(dynamic_partitions_requests=requests)

    return _accounts
