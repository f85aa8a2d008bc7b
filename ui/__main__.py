"""`python -m ui`: run the touchscreen/tablet app.

Settings come from the box config ([ui] table of $STITCHSKETCH_CONFIG), STITCHSKETCH_*
environment variables and these options, in rising priority.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.errors import StitchError
from services.runtime.logs import configure_logging
from services.runtime.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="TOML config file")
    parser.add_argument("--host", help="listen address (default 0.0.0.0)")
    parser.add_argument("--port", type=int, help="HTTP port (default 8080)")
    parser.add_argument("--data-dir", type=Path, help="box data directory")
    parser.add_argument("--capture", help="capture service HOST:PORT (default: mDNS)")
    parser.add_argument("--patterns", help="patterns service HOST:PORT (default: mDNS)")
    parser.add_argument("--reconstruction", help="reconstruction service HOST:PORT (default: mDNS)")
    parser.add_argument(
        "--demo-owner",
        action="store_true",
        help="on an empty box create owner 'Owner' with PIN 1234",
    )
    args = parser.parse_args(argv)
    overrides = {
        key: value
        for key, value in {
            "host": args.host,
            "port": args.port,
            "data_dir": args.data_dir,
            "capture_address": args.capture,
            "patterns_address": args.patterns,
            "reconstruction_address": args.reconstruction,
            "demo_owner": True if args.demo_owner else None,
        }.items()
        if value is not None
    }
    from ui.settings import UiSettings

    try:
        settings = load_settings(UiSettings, args.config, **overrides)
    except StitchError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "ui")
    from ui.app import run

    try:
        run(settings)
    except StitchError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    return 0


if __name__ in {"__main__", "__mp_main__"}:
    sys.exit(main())
