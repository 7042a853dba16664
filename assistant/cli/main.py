"""`policy-assistant` entry point: argument parsing and error boundary."""

from __future__ import annotations

import argparse
import sys

from ..errors import AssistantError
from . import app, ask, compare, evaluate, kb, match, review, rules

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a Chinese hint
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policy-assistant", description="政策法规知识助手（招商引资 / 合规审查）")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    kb.register(sub)
    match.register(sub)
    compare.register(sub)
    rules.register(sub)
    review.register(sub)
    ask.register(sub)
    app.register(sub)
    evaluate.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
