"""`strat import csv` on a large sheet: rows are read again from the text on each pass
(never all held), the preview comes back from a temp file, and every problem still names
its line. Memory itself is a benchmark figure (bench/import_csv.py), not a test."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli
from strat import importcsv


def metric_sheet(rows: int, last: str = "lagging") -> tuple[str, int]:
    """A metric sheet outside any repository (ids only): a title line, blank lines, a
    cell with quoted line breaks every 97 rows; the last row's type is `last`. Returns
    the text and the line the last row starts on."""
    out = ["Company KPIs", "", "Name,Unit,Type,Better,Description"]
    line = len(out)
    for i in range(rows):
        kind = last if i == rows - 1 else ("leading" if i % 2 else "lagging")
        description = f'"Counted weekly.\nSee the board, row {i}."' if i % 97 == 0 else f"Row {i}"
        out.append(f"Metric {i},count,{kind},up,{description}")
        line += 1
        last_line = line
        line += description.count("\n")
        if i % 500 == 250:
            out.append("")
            line += 1
    return "\n".join(out) + "\n", last_line


def test_an_error_on_the_last_row_of_a_large_sheet_names_its_line(tmp_path: Path) -> None:
    text, last_line = metric_sheet(2500, last="sideways")
    (tmp_path / "big.csv").write_text(text, encoding="utf-8", newline="")
    result = run_cli(["import", "csv", "big.csv", "--kind", "metric", "--out", "out"], cwd=tmp_path)
    assert result.exit_code == 1
    assert f"big.csv:{last_line}: the `Type` cell says `sideways`; expected leading or lagging" in result.stderr
    assert "big.csv: line 1 above the header row skipped" in result.stderr
    assert result.stderr.rstrip().endswith("Refused (1 problem): nothing was written.")
    assert result.stdout == "" and not (tmp_path / "out").exists()


def test_the_preview_of_a_large_sheet_is_the_files_written(tmp_path: Path) -> None:
    text, _ = metric_sheet(1200)
    for where in ("dry", "real"):
        (tmp_path / where).mkdir()
        (tmp_path / where / "kpis.csv").write_text(text, encoding="utf-8", newline="")
    dry = run_cli(["import", "csv", "kpis.csv", "--kind", "metric", "--out", "out", "--dry-run"], cwd=tmp_path / "dry")
    real = run_cli(["import", "csv", "kpis.csv", "--kind", "metric", "--out", "out"], cwd=tmp_path / "real")
    assert dry.exit_code == 0 and real.exit_code == 0
    assert "Dry run: would write 1200 metrics; nothing was written." in dry.stderr
    written = [line.split(": metric")[0] for line in real.stdout.splitlines()]
    assert len(written) == 1200
    expected = "".join(f"==> {path} <==\n{(tmp_path / 'real' / path).read_text(encoding='utf-8')}\n"
                       for path in written)
    assert dry.stdout == expected
    assert not (tmp_path / "dry" / "out").exists()


def test_the_rows_are_read_again_on_each_pass_with_their_lines() -> None:
    raw = (b'sep=;\r\nKPIs\r\nName;Unit;Type;Better;\r\n\r\nA;count;leading;up;\r\n"B\r\nC";%;lagging;down;\r\n'
           b"D;x;y;z;w;v\r\n")
    table = importcsv.read_table(raw, importcsv.Options("Metric"))
    assert not table.problems and table.count == 3
    first, second = list(table.rows), list(table.rows)
    assert first == second
    assert [(r.line, r.cells.get("name"), r.problem is not None) for r in first] == [
        (5, "A", False), (6, "B\nC", False), (8, None, True)]  # a refused row keeps no cells
    assert table.notes[0] == "semicolon-separated, header on line 3"


def test_lines_are_split_as_a_file_opened_with_newline_empty_gives_them() -> None:
    import io
    import random

    from strat.importcsv_read import lines

    rng = random.Random(14)
    for _ in range(500):
        text = "".join(rng.choice(["a,b", "", '"x\r\ny"', "c;d", "é", "\u2028", "\x0c"]) +
                       rng.choice(["\n", "\r\n", "\r", ""]) for _ in range(rng.randint(0, 40)))
        assert list(lines(text)) == list(io.StringIO(text, newline=""))
