"""`stitchsketch` command line: thin adapters over the same domain code the services use.

Each subcommand lives beside its domain code as a module with
`add_parser(subparsers) -> None` that sets `func` on its parser; this file only
collects them, so adding a command never means editing a long file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

#: Modules that contribute subcommands.
# NOTE: each must define add_parser(subparsers) and set `func(args) -> int` as a default.
COMMAND_MODULES = (
    "appliance.cli",
    "services.reconstruction.cli",
    "services.patterns.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stitchsketch", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not exc.name or not name.startswith(exc.name):
                raise  # a real missing dependency, not a command this checkout lacks
            continue
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
