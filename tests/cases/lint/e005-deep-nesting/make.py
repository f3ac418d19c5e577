from pathlib import Path


def make(root: Path) -> None:
    # 100 nested flow lists on line 3. Inside the document mapping, the 64th bracket
    # would be the 65th level: E005 at that bracket (column 9 + 63 = 72).
    text = "kind: Metric\nid: deep\nx-data: " + "[" * 100 + "]" * 100 + "\n"
    (root / "strategy" / "metrics" / "deep.yaml").write_text(text, encoding="utf-8")
