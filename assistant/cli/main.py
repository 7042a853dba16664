"""`policy-assistant` entry point: argument parsing and error boundary."""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from ..errors import AssistantError
from . import app, ask, compare, evaluate, history, kb, match, review, rules

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: one Chinese line, exit 2
        print(f"{self.prog}：参数错误：{_chinese(message)}（{self.prog} -h 查看用法）", file=sys.stderr)
        sys.exit(EXIT_USAGE)


_ARGPARSE_CN = (  # argparse's English message shapes → Chinese
    (re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"), r"参数 \1 的取值 \2 无效，可选：\3"),
    (re.compile(r"^argument (\S+): invalid (\w+) value: (.+)$"), r"参数 \1 的值 \3 无效（应为 \2）"),
    (re.compile(r"^argument (\S+): expected one argument$"), r"参数 \1 缺少取值"),
    (re.compile(r"^argument (\S+): (.+)$"), r"参数 \1：\2"),
    (re.compile(r"^the following arguments are required: (.+)$"), r"缺少必需的参数：\1"),
    (re.compile(r"^unrecognized arguments: (.+)$"), r"无法识别的参数：\1"),
)


def _chinese(message: str) -> str:
    for pattern, repl in _ARGPARSE_CN:
        if pattern.match(message):
            return pattern.sub(repl, message)
    return message


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
    history.register(sub)
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
