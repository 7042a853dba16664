"""`serve --kb 名称=索引` and `mcp`: bad arguments are one Chinese line."""

from __future__ import annotations

from assistant.cli.main import main


def test_bad_kb_argument_is_one_line(tmp_path, capsys):
    assert main(["serve", "--kb", "没有等号", "--audit", str(tmp_path / "a.sqlite")]) == 1
    assert "--kb 应为 名称=索引目录" in capsys.readouterr().err
    assert main(["serve", "--kb", f"甲={tmp_path}", "--kb", f"甲={tmp_path}", "--audit", str(tmp_path / "a.sqlite")]) == 1
    assert "知识库名称重复" in capsys.readouterr().err


def test_mcp_stdio_refuses_a_wrong_token_before_serving(tmp_path, capsys):
    from assistant.app.users import add_user
    from assistant.index import Index

    Index.open(tmp_path / "idx", embedder="fake")
    add_user(tmp_path / "u.yaml", "li", "经办人员", "long-enough-pw")
    rc = main(["mcp", "--index", str(tmp_path / "idx"), "--users", str(tmp_path / "u.yaml"), "--audit",
               str(tmp_path / "a.sqlite"), "--token", "pa_wrong"])
    assert rc == 1 and "令牌" in capsys.readouterr().err
