"""Conversation: a follow-up keeps the previous question's subject and changes its object; a new topic starts afresh.

「那土地出让金呢？」 after 「能不能承诺按企业缴纳的税收给予返还？」 → 「…按企业缴纳的土地出让金给予返还」: the noun of the
previous question that the follow-up replaces is the one it shares characters with (外资企业 ↔ 企业), a place for a place,
an amount for an amount with the same unit, otherwise the last specific noun. A self-contained question (one with its own
question word, 「今天中午吃什么？」) is a new topic and inherits nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

LEAD = re.compile(r"^(?:那么|那|如果是|如果|要是|假如|还有|另外|换成|改成|换作|至于)")
TAIL = re.compile(r"(?:的话)?(?:呢|怎么样|如何|怎么说|又如何)?[？?。！!]*$")
QUESTION_WORD = re.compile(r"什么|怎么|怎样|如何|吗|哪|谁|多少|几|是否|能否|能不能|可不可以|可否|有没有|为何|为什么")
AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(亿元|万元|元|亩|人|%|年|个月|平方米)")
# nouns too general to be the object a follow-up replaces (they name the asker's frame, not the subject matter)
GENERIC = {"招商引资", "国家", "本地", "当地", "企业", "公司", "政府", "地方", "项目", "政策", "经营者", "时候", "时能", "问题", "规定", "文件"}


@dataclass(frozen=True)
class Resolved:
    question: str  # what the engines see
    follow_up: bool  # inherited from the previous question
    replaced: str | None = None  # the previous question's word the follow-up replaced


@lru_cache(maxsize=1)
def _pos():
    """A part-of-speech tagger on jieba's own dictionary (the index's user dictionary joins 返还税收 into one word)."""
    import jieba
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def is_follow_up(question: str) -> bool:
    q = question.strip()
    if LEAD.search(q) or re.search(r"呢[？?]?$", q):
        return True
    return len(q.rstrip("？?。")) <= 8 and not QUESTION_WORD.search(q)


def core(question: str) -> str:
    """「那土地出让金呢？」 → 「土地出让金」."""
    q = LEAD.sub("", question.strip())
    return TAIL.sub("", q).strip("，, 、")


def substitute(previous: str, new: str) -> tuple[str, str | None]:
    """The previous question with the word `new` stands in for replaced, and that word (None when none fits)."""
    prev = previous.strip().rstrip("？?。")
    m_new = AMOUNT.search(new)
    if m_new:  # 那5亿元呢 → replace the amount with the same unit
        for m in AMOUNT.finditer(prev):
            if m.group(1) == m_new.group(1):
                return prev[: m.start()] + m_new.group(0) + prev[m.end():], m.group(0)
    words = [(w.word, w.flag) for w in _pos().cut(prev)]
    new_flags = {w.flag for w in _pos().cut(new)}
    nouns = [(i, w, f) for i, (w, f) in enumerate(words) if f.startswith("n") or f == "vn"]
    if not nouns:
        return prev, None
    if "ns" in new_flags:  # a place for a place
        places = [x for x in nouns if x[2] == "ns"]
        if places:
            return _replace(words, places[-1][0], new), places[-1][1]
    overlap = [(len(set(w) & set(new)), i, w) for i, w, _ in nouns if len(w) >= 2]
    best = max(overlap, default=(0, 0, ""))
    if best[0] >= 2 or (best[0] and len(best[2]) <= 2):
        return _replace(words, best[1], new), best[2]
    # otherwise the last specific noun in object position (after a verb): the subject and frame stay
    first_verb = next((i for i, (_, f) in enumerate(words) if f.startswith("v") and f != "vn"), len(words))
    specific = [(i, w) for i, w, f in nouns if f == "n" and w not in GENERIC and len(w) >= 2 and i > first_verb]
    if specific:
        i, w = specific[-1]
        return _replace(words, i, new), w
    return prev, None


def _replace(words: list[tuple[str, str]], at: int, new: str) -> str:
    return "".join(new if i == at else w for i, (w, _) in enumerate(words))


def resolve(question: str, history: list[str]) -> Resolved:
    """Attach an elliptical follow-up to the last question of the conversation (itself already resolved)."""
    q = (question or "").strip()
    if not history or not is_follow_up(q):
        return Resolved(q, False)
    obj = core(q)
    if not obj:
        return Resolved(history[-1], True)
    text, replaced = substitute(history[-1], obj)
    if replaced is None:
        return Resolved(f"{history[-1].rstrip('？?。')}（{obj}）", True)
    return Resolved(text, True, replaced)
