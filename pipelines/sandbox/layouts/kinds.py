"""Flat-file rules beyond the model's, shared by the further seller reports (flat-file-columns-2.md).

``ReportLayout`` is a ``FlatLayout`` that may also

- serve another column list in some marketplaces (``variants``: production headers that
  dropped, inserted or moved columns, or a localized header), where a ``Drift`` (renamed or
  appended columns) cannot say it;
- read ``reportOptions`` with a fixed set of values each (``choices``, the first is the default);
- use only the first marketplace of a request (``one_marketplace``);
- refuse a ``dataStartTime`` later than ``now - earliest_start`` (FATAL, saying ``start_refusal``).

``Measure`` is a decimal that is not money (a side, a weight, a volume, an average count).

>>> from pipelines.sandbox.layouts.model import Sku, Text
>>> cols = (Col("sku", Sku()), Col("Your Response", Text("response")))
>>> [c.header for c in pick(cols, ("Your Response", "sku"))]
['Your Response', 'sku']
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Mapping, Sequence

from pipelines.sandbox.errors import invalid
from pipelines.sandbox.layouts.model import Col, FlatLayout, Meaning, Money, Rendered, RenderRequest
from pipelines.sandbox.validation import shown


@dataclass(frozen=True)
class Measure(Money):
    """A decimal quantity that is not money (dimensions, weights, volumes, averages); compared as a decimal."""


@dataclass(frozen=True)
class Variant:
    """The whole header served in ``marketplaces`` instead of the documented one."""

    marketplaces: tuple[str, ...]
    notes: str
    columns: tuple[Col, ...]


def pick(columns: Sequence[Col], headers: Sequence[str], replaced: Mapping[str, Meaning] | None = None) -> tuple[Col, ...]:
    """The columns named ``headers`` (in that order) from ``columns``; ``replaced`` gives new or other meanings."""
    known = {c.header: c.meaning for c in columns} | dict(replaced or {})
    missing = [h for h in headers if h not in known]
    if missing:
        raise ValueError(f"no meaning for column(s) {missing}")
    return tuple(Col(h, known[h]) for h in headers)


@dataclass(frozen=True)
class ReportLayout(FlatLayout):
    variants: tuple[Variant, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # option → allowed values, default first
    one_marketplace: bool = False
    earliest_start: timedelta | None = None
    start_refusal: str = ""

    def __post_init__(self):
        super().__post_init__()
        for v in self.variants:
            for h in (*self.key, *([self.window_column] if self.window_column else [])):
                self._in_variant(v, h)

    def _variant(self, marketplace_id: str) -> Variant | None:
        return next((v for v in self.variants if marketplace_id in v.marketplaces), None)

    def _in_variant(self, variant: Variant, documented: str) -> str:
        """The header of ``variant`` showing what the documented column ``documented`` shows."""
        meaning = next(c.meaning for c in self.columns if c.header == documented)
        found = next((c.header for c in variant.columns if c.meaning == meaning), None)
        if found is None:
            raise ValueError(f"{self.report_type}: variant ({variant.notes}) has no column for {documented!r}")
        return found

    def columns_for(self, marketplace_id: str) -> tuple[Col, ...]:
        variant = self._variant(marketplace_id)
        return super().columns_for(marketplace_id) if variant is None else variant.columns

    def _header_name(self, marketplace_id: str, documented: str) -> str:
        variant = self._variant(marketplace_id)
        return super()._header_name(marketplace_id, documented) if variant is None \
            else self._in_variant(variant, documented)

    def _all_headers(self) -> list[str]:
        return super()._all_headers() + [c.header for v in self.variants for c in v.columns]

    def check_options(self, options: dict[str, str], marketplace_ids: list[str], *, vendor: bool,
                      now: datetime) -> dict[str, str]:
        for name, allowed in self.choices.items():
            value = options.setdefault(name, allowed[0])
            if value not in allowed:
                raise invalid(f"Invalid reportOptions.{name} {shown(value)}", f"Allowed: {', '.join(allowed)}")
        return options

    def option(self, options: Mapping[str, str], name: str) -> str:
        """The value of option ``name`` the report reads (its default when not given)."""
        return options.get(name, self.choices[name][0])

    def refusal(self, start: datetime, end: datetime, now: datetime, options: Mapping[str, str] | None = None,
                marketplace_ids: Sequence[str] = ()) -> str | None:
        if self.earliest_start is not None and start > now - self.earliest_start:
            return self.start_refusal
        return super().refusal(start, end, now, options, marketplace_ids)

    def render(self, req: RenderRequest) -> Rendered:
        if self.one_marketplace:  # "if several marketplaceIds are sent, only the first is used"
            req = replace(req, marketplace_ids=req.marketplace_ids[:1])
        return super().render(req)
