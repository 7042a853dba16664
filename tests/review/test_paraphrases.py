"""Paraphrases found missing or falsely flagged while probing the rule base (not training data for the model)."""

from __future__ import annotations

import pytest

from assistant.review.draft import DraftClause
from assistant.review.service import build_detector

VIOLATING = [
    "企业缴纳的增值税区级留成部分，前三年全额奖励给企业。",
    "对项目缴纳的土地出让金，扣除国家和省规定计提部分后全额返还企业。",
    "对落户企业按其年度纳税额的一定比例给予扶持。",
    "按照企业实际缴纳的企业所得税地方分成部分，给予等额奖励。",
    "项目用地价格按工业用地最低价标准的70%执行。",
    "新引进企业免缴五年城市基础设施配套费和人防易地建设费。",
    "企业缴纳的行政事业性收费中地方留成部分予以全额返还。",
    "享受本政策的企业，其工商登记和税务关系须落在本区。",
    "企业须承诺在本县经营期不少于十年，不得将注册地迁出。",
    "对本县以外的投资者来县投资兴办企业的，给予一次性奖励。",
    "县直各部门在同等条件下应优先采购本县企业生产的产品。",
    "建立本地供应商推荐目录，政府投资项目优先从目录中选择。",
    "对重大招商项目，县政府可给予特殊扶持政策。",
    "政府投资项目的监理服务仅限在本县注册的监理企业承接。",
    "对在本市设立区域总部的企业，按其对本市地方财力的贡献给予补助。",
    "对引进的项目给予协议出让土地优惠。",
    "企业用电执行大工业优惠电价，每度电补贴0.05元。",
    "辖区内的商砼站按照统一指导价格销售。",
    "对县外企业生产的同类商品，不得进入本县政府采购目录。",
    "评标时对本地企业给予3分的加分。"]

LAWFUL = [
    "对新认定的省级专精特新中小企业给予一次性奖励10万元。",
    "对年度研发投入超过500万元的企业，按研发投入的5%给予补助，最高不超过100万元。",
    "工业用地出让起始价不得低于国家规定的最低价标准。",
    "企业依法享受国家规定的增值税留抵退税政策。",
    "对新招用就业困难人员的企业，按规定给予社会保险补贴。",
    "奖补资金纳入县级预算管理，按程序拨付。",
    "鼓励企业参加各类展会，对参展费用给予50%补助。",
    "县人民政府设立产业发展专项资金，每年安排5000万元。",
    "项目单位应在签订投资协议后6个月内开工建设。",
    "对获得国家科学技术奖的企业，给予一次性奖励50万元。",
    "政府采购依法公开招标，本地外地企业平等参与。",
    "对新建标准厂房按市场租金公开出租。"]


@pytest.fixture(scope="module")
def det():
    return build_detector()


@pytest.mark.parametrize("text", VIOLATING, ids=[t[:14] for t in VIOLATING])
def test_paraphrase_is_flagged(det, text):
    fs = det.review_clause(DraftClause(1, "x", text))
    assert fs and fs[0].standard != "classifier" and fs[0].evidence


@pytest.mark.parametrize("text", LAWFUL, ids=[t[:14] for t in LAWFUL])
def test_lawful_paraphrase_is_clean(det, text):
    assert det.review_clause(DraftClause(1, "x", text)) == []
