from pathlib import Path


def make(root: Path) -> None:
    # A person file saved as Latin-1 by an old editor: "Zoë" becomes the single byte 0xEB.
    path = root / "strategy" / "people" / "zoe.yaml"
    path.write_bytes(b"kind: Person\nid: zoe\nname: Zo\xeb Martin\n")
