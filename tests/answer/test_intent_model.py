"""The learned question router ships, routes plain questions of each kind, and the rules take over without it."""

import numpy as np

from assistant.answer import intent, intent_model


def test_shipped_router_routes_each_kind():
    m = intent_model.load()
    assert m is not None and m.version
    assert intent.classify("县里打算把新落户企业缴纳的地方留成税收返还一半，这样做可以吗？").intent == intent.COMPLIANCE
    assert intent.classify("在柳河县投资2亿元建一个中药饮片厂，能拿到哪些奖励，大概多少钱？").intent == intent.INCENTIVE
    assert intent.classify("公平竞争审查条例是从哪天开始施行的？").intent == intent.FACT
    p = m.probabilities("公平竞争审查条例是从哪天开始施行的？")
    assert set(p) == set(intent_model.CLASSES) and abs(sum(p.values()) - 1) < 1e-6


def test_compliance_route_keeps_the_measure():
    r = intent.classify("能不能承诺按企业缴纳税收的地方留成部分给予奖励？")
    assert r.intent == intent.COMPLIANCE and "地方留成" in r.measure and "能不能" not in r.measure


def test_without_the_file_the_rules_decide(tmp_path, monkeypatch):
    assert intent_model.load(tmp_path / "missing.npz") is None
    monkeypatch.setattr(intent_model, "load", lambda path=None: None)
    q = "在柳河县投资1.2亿元建设中药饮片生产项目，能享受哪些支持？"
    assert intent.classify(q) == intent.classify_by_rules(q)
    assert intent.classify("今天天气怎么样").intent == intent.FACT


def test_saved_weights_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    coef = np.zeros((3, intent_model.DIM))
    idx = rng.choice(intent_model.DIM, 50, replace=False)
    coef[:, idx] = rng.normal(size=(3, 50))
    m = intent_model.IntentModel(coef, np.array([0.1, -0.2, 0.0]), "t")
    m.save(tmp_path / "m.npz")
    back = intent_model.load(tmp_path / "m.npz")
    q = "能不能给企业返还税收"
    assert back.predict(q)[0] == m.predict(q)[0]
    assert abs(back.probabilities(q)["fact"] - m.probabilities(q)["fact"]) < 1e-4
