"""`python -m doctor_service.relay`: run the outbox relay on its own, in the foreground.

Not needed in the normal set-up (each service process runs the relay on a background thread and an advisory
lock lets one of them publish); useful to drain the outbox by hand or to run the relay as a separate process.
"""

from __future__ import annotations

import signal
import sys

from doctor_service.bootstrap import bootstrap
from doctor_service.config import Settings
from hospital_shared.logging_setup import configure_logging


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    configure_logging(f"{settings.service_name}-relay", settings.log_level)
    runner = bootstrap(settings).relay_runner()
    if argv and argv[0] == "--once":
        published = runner.run_once()
        print(f"published {published} event(s) to {settings.doctor_events_stream}")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: runner.stop_event.set())
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
