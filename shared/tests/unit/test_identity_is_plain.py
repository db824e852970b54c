"""Domains and use cases take an Identity as `actor`: importing it must not pull in Flask."""

from __future__ import annotations

import subprocess
import sys


def test_the_identity_module_imports_no_web_framework() -> None:
    probe = (
        "import sys, hospital_shared.identity, hospital_shared.clock;"
        "print(sorted({'flask', 'werkzeug', 'sqlalchemy'} & set(sys.modules)))"
    )

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "[]"
