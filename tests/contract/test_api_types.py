"""The web app's API types are generated from the services' specs: they must be what the specs say today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
GENERATED = FRONTEND / "src" / "api" / "generated"


def test_the_committed_api_types_match_the_services_openapi_documents(tmp_path: Path) -> None:
    assert (FRONTEND / "node_modules" / "openapi-typescript").is_dir(), "run `make frontend` (npm ci) first"
    specs, types = tmp_path / "specs", tmp_path / "types"
    types.mkdir()
    subprocess.run(
        [sys.executable, "-m", "tools.openapi", str(specs)], cwd=REPO, check=True, capture_output=True
    )
    subprocess.run(
        ["node", "scripts/api-types.mjs", str(specs), str(types)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
    )
    fresh = {path.name: path.read_text() for path in sorted(types.glob("*.ts"))}
    committed = {path.name: path.read_text() for path in sorted(GENERATED.glob("*.ts"))}
    assert fresh.keys() == committed.keys()
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"src/api/generated/{stale} are out of date: run `make api-types` and commit them"
