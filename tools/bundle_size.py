"""How much the browser downloads (gzip): the patient path (entry and its static imports) and the whole app.

python -m tools.bundle_size [frontend/dist]      # `make bundle-size`; reads Vite's build manifest
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from tools.stack.config import REPO


def _gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def sizes(dist: Path) -> dict[str, dict[str, int]]:
    manifest: dict[str, dict] = json.loads((dist / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))

    def files_of(key: str, seen: set[str]) -> set[str]:
        """A chunk's own file, its CSS and everything it imports statically (what loads with it)."""
        if key in seen:
            return set()
        seen.add(key)
        chunk = manifest[key]
        files = {chunk["file"], *chunk.get("css", [])}
        for imported in chunk.get("imports", []):
            files |= files_of(imported, seen)
        return files

    patient = files_of(entry, set()) | {"index.html"}
    everything = {chunk["file"] for chunk in manifest.values()} | {
        css for chunk in manifest.values() for css in chunk.get("css", [])
    }
    everything.add("index.html")
    # A lazy area costs what it loads beyond the patient path (the entry is already there).
    areas = {
        chunk.get("name", key): files_of(key, {entry}) - patient
        for key, chunk in manifest.items()
        if chunk.get("isDynamicEntry")
    }

    def measure(files: set[str]) -> dict[str, int]:
        return {
            "files": len(files),
            "bytes": sum((dist / f).stat().st_size for f in files),
            "gzip_bytes": sum(_gzip_size(dist / f) for f in files),
        }

    return {"patient path": measure(patient), **{f"{n} area": measure(f) for n, f in areas.items()}} | {
        "whole app": measure(everything)
    }


def main(argv: list[str]) -> None:
    dist = Path(argv[0]) if argv else REPO / "frontend" / "dist"
    for name, measured in sizes(dist).items():
        print(
            f"{name:14} {measured['gzip_bytes'] / 1024:7.1f} KiB gzip"
            f"  ({measured['bytes'] / 1024:7.1f} KiB raw, {measured['files']} files)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
