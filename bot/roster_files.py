"""Reading sheets as community offices keep them (rosters, ledgers): CSV (UTF-8 or GBK) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from domain.residents import REQUIRED_COLUMNS, ROSTER_COLUMNS


class RosterFileError(Exception):
    """The file itself cannot be read as a roster."""


def _header(cells: list[object], required: Sequence[str], columns: Sequence[str]) -> list[str]:
    names = [str(c).strip() if c is not None else "" for c in cells]
    missing = [c for c in required if c not in names]
    if missing:
        raise RosterFileError(f"表头缺少列：{'、'.join(missing)}（需要 {'、'.join(columns)}）")
    return names


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("文件编码无法识别，请另存为 UTF-8 CSV 或 XLSX")


def read_roster(path: Path) -> tuple[int, Iterator[dict[str, object]]]:
    """Row count and an iterator of roster rows keyed by header name."""
    return read_sheet(path, REQUIRED_COLUMNS, ROSTER_COLUMNS)


def read_sheet(
    path: Path, required: Sequence[str], columns: Sequence[str],
) -> tuple[int, Iterator[dict[str, object]]]:
    """Row count and an iterator of rows keyed by header name; `required` columns must be there."""
    if not path.is_file():
        raise RosterFileError(f"找不到文件 {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(_decode(path.read_bytes()))))
        if not rows:
            raise RosterFileError("文件是空的")
        header = _header(list(rows[0]), required, columns)
        body = rows[1:]
        return len(body), (dict(zip(header, r, strict=False)) for r in body)
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise RosterFileError(f"无法读取 Excel 文件：{exc.__class__.__name__}") from None
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            raise RosterFileError("文件是空的")
        header = _header(list(first), required, columns)
        # The sheet's declared dimension is often missing or wrong (files not saved by
        # Excel/WPS), so count the rows themselves, as for CSV.
        body = list(it)
        wb.close()
        return len(body), (dict(zip(header, r, strict=False)) for r in body)
    raise RosterFileError("只支持 .csv 和 .xlsx 文件")
