"""Local-policy metadata read from the text: title, issuer, region, level, dates, one expiry rule."""

from __future__ import annotations

from assistant.documents.dates import expiry, parse_dates, text_dates
from assistant.documents.meta import from_text, infer


def meta(text: str, name: str = "x.md"):
    return infer(from_text(text, name))


def test_ten_year_trial_ends_after_it_starts():
    d = text_dates("本办法自2019年3月5日起施行，暂定十年。")
    assert d == {"effective": "2019-03-05", "expires": "2029-03-04"}
    assert text_dates("自2020年1月1日起施行，有效期两年。")["expires"] == "2021-12-31"


def test_manifest_and_text_agree_on_expiry():
    # the manifest field and the body text go through the same rule (they used to differ by one day)
    assert parse_dates("2019-03-05起执行（暂定三年）")["expires"] == text_dates("自2019年3月5日起执行，暂定三年。")["expires"]
    assert expiry("2019-03-05", 3) == "2022-03-04"


def test_chapter_heading_is_never_the_title():
    m = meta("# 第一章 总则\n\n第一条 为了规范招商引资，制定本办法。\n\n第二条 本办法自发布之日起施行。\n", "濮阳县招商引资办法.docx")
    assert m.title == "濮阳县招商引资办法"


def test_issuer_line_over_guanyu_title_and_province_not_doubled():
    text = "河南省濮阳县人民政府\n\n关于印发濮阳县招商引资优惠政策的通知\n\n各乡镇人民政府：\n\n现将政策印发给你们。\n"
    m = meta(text)
    assert m.title == "河南省濮阳县人民政府关于印发濮阳县招商引资优惠政策的通知"
    assert m.issuer == "河南省濮阳县人民政府"
    assert (m.region, m.level) == ("河南省濮阳县", "county")


def test_signature_block_gives_issuer_and_date():
    text = "# 某县招商引资办法（试行）\n\n第一条 为了……，制定本办法。\n\n第二条 本办法自印发之日起施行。\n\n中共沙湾县委办公室\n\n2014年3月29日印发\n"
    m = meta(text)
    assert m.issuer == "中共沙湾县委办公室"
    assert (m.published, m.effective) == ("2014-03-29", "2014-03-29")
    assert m.level == "county" and m.region == "沙湾县"


def test_local_policy_without_place_is_not_national():
    m = meta("# 关于加快经济发展的若干政策意见\n\n1.支持企业上市。对上市企业给予奖励。\n\n牵头单位：区经信局\n")
    assert m.level == "county" and m.region is None


def test_portal_hints_win():
    m = from_text("# 某政策\n\n正文。\n", "a.html", hints={"issuer": "长丰县人民政府", "issued": "2018-01-17", "index_no": "0001/2018-00012"})
    assert (m.issuer, m.published, m.index_no) == ("长丰县人民政府", "2018-01-17", "0001/2018-00012")


def test_merge_takes_portal_hint_names():
    from assistant.documents.meta import merge
    from assistant.documents.model import DocMeta

    m = merge(DocMeta(title="x"), {"issued": "2018年1月17日", "index_no": "A01", "issuer": "长丰县人民政府"}, "x.html")
    assert (m.published, m.index_no, m.issuer) == ("2018-01-17", "A01", "长丰县人民政府")
