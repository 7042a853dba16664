"""`policy-assistant serve` (the Gradio app) and `policy-assistant audit export|verify`."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import DEFAULT_INDEX, cache_dir

DEFAULT_AUDIT = Path("indexes/audit.sqlite")
DEFAULT_USERS = Path("indexes/users.yaml")


def register(sub) -> None:
    p = sub.add_parser("serve", help="启动网页应用（政策问答 / 项目匹配 / 文稿审查 / 知识库）")
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="单个知识库（未用 --kb 时）")
    _kb_arg(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--users", type=Path, default=None, help="用户文件（YAML，bcrypt 哈希）；不指定则仅本机开放访问")
    p.add_argument("--audit", type=Path, default=DEFAULT_AUDIT, help="审计日志（SQLite）")
    p.add_argument("--max-upload-mb", type=float, default=20.0)
    from ..llm.settings import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_serve)

    m = sub.add_parser("mcp", help="以 MCP（标准输入输出）提供只读工具：检索、问答、匹配、审查")
    m.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    _kb_arg(m)
    m.add_argument("--users", type=Path, default=DEFAULT_USERS, help="用户文件（令牌哈希）")
    m.add_argument("--audit", type=Path, default=DEFAULT_AUDIT)
    m.add_argument("--token", default=None, help="API 令牌（或环境变量 POLICY_ASSISTANT_TOKEN）")
    m.set_defaults(func=cmd_mcp)

    a = sub.add_parser("audit", help="审计日志：导出或校验")
    asub = a.add_subparsers(dest="audit_command", parser_class=type(a))
    e = asub.add_parser("export", help="导出审计记录")
    e.add_argument("--since", default=None, help="起始日期（YYYY-MM-DD）")
    e.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    e.add_argument("--audit", type=Path, default=DEFAULT_AUDIT)
    e.set_defaults(func=cmd_audit_export)
    v = asub.add_parser("verify", help="校验审计日志的哈希链是否被篡改")
    v.add_argument("--audit", type=Path, default=DEFAULT_AUDIT)
    v.set_defaults(func=cmd_audit_verify)

    u = sub.add_parser("users", help="用户管理：添加（输入密码，保存 bcrypt 哈希）、删除、列出")
    usub = u.add_subparsers(dest="users_command", parser_class=type(u))
    add = usub.add_parser("add", help="添加或重设用户（提示输入两次密码）")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["经办人员", "审查人员", "管理员"])
    add.add_argument("--file", type=Path, default=DEFAULT_USERS, help=f"用户文件，默认 {DEFAULT_USERS}")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    add.set_defaults(func=cmd_users_add)
    rm = usub.add_parser("remove", help="删除用户（正在使用的会话随即失效）")
    rm.add_argument("name")
    rm.add_argument("--file", type=Path, default=DEFAULT_USERS)
    rm.set_defaults(func=cmd_users_remove)
    tk = usub.add_parser("token", help="为用户生成 API 令牌（只显示一次，文件中只存哈希）或吊销其全部令牌")
    tk.add_argument("name")
    tk.add_argument("--revoke", action="store_true", help="吊销该用户的全部令牌")
    tk.add_argument("--file", type=Path, default=DEFAULT_USERS)
    tk.set_defaults(func=cmd_users_token)
    ls = usub.add_parser("list", help="列出用户与角色")
    ls.add_argument("--file", type=Path, default=DEFAULT_USERS)
    ls.set_defaults(func=cmd_users_list)


def _kb_arg(p) -> None:
    p.add_argument("--kb", action="append", default=[], metavar="名称=索引目录",
                   help="同时提供多个知识库（可重复），如 --kb 全县政策库=indexes/a；第一个为默认库")


def _bases(args) -> dict:
    from ..errors import AssistantError

    if not args.kb:
        return {"默认知识库": args.index}
    bases = {}
    for item in args.kb:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise AssistantError(f"--kb 应为 名称=索引目录：{item!r}")
        if name.strip() in bases:
            raise AssistantError(f"知识库名称重复：{name.strip()}")
        bases[name.strip()] = Path(path.strip())
    return bases


def _context(args, users, **shared):
    from ..app.audit import AuditLog
    from ..app.ui import AppContext

    args.audit.parent.mkdir(parents=True, exist_ok=True)
    ctx = AppContext.serving(_bases(args), AuditLog(args.audit), users, **shared)
    for kb in ctx.bases.values():
        _ = kb.retriever  # open every index now: a missing one is an error before the server starts
    return ctx


def cmd_mcp(args) -> int:
    from ..api.mcp_server import run_stdio
    from ..app.users import Users

    run_stdio(_context(args, Users.load(args.users)), args.token)
    return 0


def cmd_serve(args) -> int:
    from ..app.ui import serve
    from ..app.users import Users

    users = Users.load(args.users) if args.users else None
    from ..llm.settings import from_args

    ctx = _context(args, users, max_upload_mb=args.max_upload_mb, llm=from_args(args))
    from ..app.ui import check_host

    check_host(ctx, args.host)  # refuse before printing any address
    print(f"应用地址：http://{args.host}:{args.port}（接口文档 /api/docs，MCP /mcp/；知识库 {'、'.join(ctx.served())}；"
          f"缓存目录 {cache_dir()}）", file=sys.stderr)
    serve(ctx, args.host, args.port)
    return 0


def _open_audit(path: Path):
    from ..app.audit import AuditLog
    from ..errors import AssistantError

    try:
        return AuditLog(path, create=False)
    except FileNotFoundError:
        raise AssistantError(f"审计日志 {path} 不存在（若此前有记录，说明文件已被删除或移走）") from None


def cmd_audit_export(args) -> int:
    log = _open_audit(args.audit)
    sys.stdout.write(log.export(args.since, args.format))
    head = log.checkpoint()
    if head:  # the signed head travels with each export, so a later truncation can be shown against it
        print(f"检查点：共 {head['count']} 条，末条哈希 {head['head']}，签名 {head['hmac']}", file=sys.stderr)
    return 0


def cmd_audit_verify(args) -> int:
    ok, _bad, reason = _open_audit(args.audit).check()
    print("审计日志完整，未发现篡改" if ok else f"审计日志被篡改：{reason}")
    return 0 if ok else 1


def cmd_users_add(args) -> int:
    from ..app.users import add_user
    from ..errors import AssistantError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass(f"为 {args.name} 设置密码：")
        if getpass.getpass("再输入一次：") != password:
            raise AssistantError("两次输入的密码不一致，未保存")
    existed = add_user(args.file, args.name, args.role, password)
    print(f"{'已更新' if existed else '已添加'}用户 {args.name}（{args.role}），写入 {args.file}")
    print(f"启动应用时指定用户文件：policy-assistant serve --users {args.file}")
    return 0


def cmd_users_remove(args) -> int:
    from ..app.users import remove_user

    remove_user(args.file, args.name)
    print(f"已删除用户 {args.name}")
    return 0


def cmd_users_token(args) -> int:
    from ..api.tokens import issue, revoke

    if args.revoke:
        print(f"已吊销用户 {args.name} 的 {revoke(args.file, args.name)} 个令牌")
        return 0
    token = issue(args.file, args.name)
    print(token)
    print(f"这是用户 {args.name} 的新 API 令牌，只显示这一次；调用时发送 Authorization: Bearer <令牌>", file=sys.stderr)
    return 0


def cmd_users_list(args) -> int:
    from ..app.users import Users

    if not args.file.exists():
        print(f"用户文件 {args.file} 不存在；用 policy-assistant users add 添加用户")
        return 0
    for name, e in sorted(Users.load(args.file).entries.items()):
        bases = "、".join(e["bases"]) if e.get("bases") is not None else "（默认）"
        print(f"{name}\t{e['role']}\t知识库：{bases}\t令牌 {len(e.get('token_hashes') or [])} 个")
    return 0
