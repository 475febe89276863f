"""Bodies served in place of a document when a document fault is armed.

Each fault writes its body to a separate file (the real document stays as it
is, for the next download) and says which Content-Type to serve it with. The
body is gzip-compressed like every sandbox document, except ``empty_document``:
zero bytes, while the document is still declared GZIP.

- ``empty_document``: 0 bytes;
- ``empty_gzip``: a valid gzip of nothing;
- ``headerless``: the document without its first line (a flat file's rows, no header);
- ``header_only``: a well-formed document with zero records: a flat file's header
  line, or a JSON report with its record arrays emptied;
- ``html_document``: an HTML error page (``text/html``);
- ``foreign_header``: another report's header and rows (the FBA storage fee report);
- ``wrong_json``: JSON of another shape (an SP-API error body), pretty-printed
  over several lines as an API would.
"""
from __future__ import annotations

import gzip
import json
import shutil
import uuid
from pathlib import Path

from pipelines.sandbox.formats import GZIP_LEVEL

DOCUMENT_FAULTS = ("empty_document", "empty_gzip", "headerless", "header_only", "html_document",
                   "foreign_header", "wrong_json")

HTML_CONTENT_TYPE = "text/html; charset=UTF-8"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
    "<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p>"
    "</body></html>\n"
)

# GET_FBA_STORAGE_FEE_CHARGES_DATA (flat-file notes, section 11): a report the catalog does not land.
FOREIGN_HEADER = (
    "asin fnsku product_name fulfillment_center country_code longest_side median_side shortest_side "
    "measurement_units weight weight_units item_volume volume_units product_size_tier average_quantity_on_hand "
    "average_quantity_pending_removal estimated_total_item_volume month_of_charge storage_rate currency "
    "estimated_monthly_storage_fee dangerous_goods_storage_type eligible_for_inventory_discount "
    "qualifies_for_inventory_discount total_incentive_fee_amount breakdown_incentive_fee_amount "
    "average_quantity_customer_orders"
).split()
FOREIGN_ROWS = (
    ["B0SANDBOX1", "X00SANDBOX1", "Sandbox Mug", "PHX6", "US", "6.1", "4.2", "3.9", "inches", "0.9", "pounds",
     "0.058", "cubic feet", "Standard-Size", "12.4", "0", "0.72", "2025-01", "0.87", "USD", "0.63", "--", "N",
     "N", "0", "", "3.1"],
    ["B0SANDBOX2", "X00SANDBOX2", "Sandbox Kettle", "TPA1", "US", "9.8", "7.5", "7.1", "inches", "2.6", "pounds",
     "0.302", "cubic feet", "Standard-Size", "4.0", "0", "1.21", "2025-01", "0.87", "USD", "1.05", "--", "N",
     "N", "0", "", "1.7"],
)

# JSON of no report's shape: an SP-API ErrorList body (the models' error shape).
FOREIGN_JSON = {"errors": [{"code": "InternalFailure", "message": "We encountered an internal error. Please try again.",
                            "details": ""}]}


def write_faulty_body(fault: str, document: Path, content_type: str, folder: Path) -> tuple[Path, str]:
    """Write the body ``fault`` serves instead of ``document`` (gzip) into ``folder``;
    returns its path and the Content-Type to serve it with."""
    if fault not in DOCUMENT_FAULTS:
        raise ValueError(f"unknown document fault {fault!r}; known: {', '.join(DOCUMENT_FAULTS)}")
    dest = folder / f"fault-{fault}-{uuid.uuid4().hex[:12]}.gz"
    if fault == "empty_document":
        dest.write_bytes(b"")
        return dest, content_type
    with gzip.open(dest, "wb", compresslevel=GZIP_LEVEL) as out:
        if fault == "html_document":
            out.write(HTML_PAGE.encode())
            return dest, HTML_CONTENT_TYPE
        if fault == "wrong_json":
            out.write(json.dumps(FOREIGN_JSON, indent=2).encode())
            return dest, JSON_CONTENT_TYPE
        if fault == "foreign_header":
            out.write("".join("\t".join(r) + "\n" for r in (FOREIGN_HEADER, *FOREIGN_ROWS)).encode())
            return dest, content_type
        if fault in ("headerless", "header_only"):
            with gzip.open(document, "rb") as src:
                if fault == "header_only" and content_type.startswith("application/json"):
                    out.write(json.dumps(_emptied(json.load(src))).encode())
                elif fault == "header_only":
                    out.write(src.readline())
                else:
                    src.readline()
                    shutil.copyfileobj(src, out)
            return dest, content_type
    return dest, content_type  # empty_gzip: nothing written into the gzip


def _emptied(report: dict) -> dict:
    """A JSON report with every top-level record array emptied (its envelope kept)."""
    return {k: ([] if isinstance(v, list) else v) for k, v in report.items()}
