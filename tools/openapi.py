"""Write each service's OpenAPI document to a folder, without a database or Redis (apps are built offline).

python -m tools.openapi frontend/openapi      # what `make api-types` does before openapi-typescript
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from tools.stack.config import SERVICES


def spec_of(service_name: str) -> dict[str, Any]:
    """The service's OpenAPI document as its /openapi.json serves it (through the gateway)."""
    package = f"{service_name}_service"
    settings_class = importlib.import_module(f"{package}.config").Settings
    settings = settings_class.from_env({}, environment="test")
    # Every `*_enabled` switch starts a background thread (relays, consumers, heartbeats): none is wanted.
    switches = {
        field.name: False
        for field in dataclasses.fields(settings)
        if field.name.endswith("_enabled") and isinstance(getattr(settings, field.name), bool)
    }
    app = importlib.import_module(f"{package}.adapters.http.app").create_app(
        dataclasses.replace(settings, **switches)
    )
    return app.extensions["hospital_api"].spec.to_dict()


def main(argv: list[str]) -> None:
    target = Path(argv[0] if argv else "openapi")
    target.mkdir(parents=True, exist_ok=True)
    for service in SERVICES:
        path = target / f"{service.name}.json"
        path.write_text(json.dumps(spec_of(service.name), indent=2, sort_keys=True) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
