"""Documents a question names, with or without 《》, and whether the knowledge base holds them (one vocabulary).

Officers write 「柳河县中小企业发展引导资金管理办法（试行）里…」 or 「国办发〔2018〕15号…」 without brackets. A name is
a run of Chinese characters ending in a document-type word (办法, 条例, 意见 …) and followed by a boundary (里, 中,
第, 规定 …); it is held when most of its character bigrams occur in one held title (abbreviations such as 招投标法
still match 招标投标法).

>>> named_documents("招标拍卖挂牌出让国有建设用地使用权规定里，挂牌时间不得少于多少个工作日？")
['招标拍卖挂牌出让国有建设用地使用权规定']
>>> named_documents("企业所得税法第二十八条怎么规定的？")
['企业所得税法']
>>> named_documents("对工程款支付担保有什么规定？")
[]
>>> named_documents("投标人觉得招投标活动违法，向谁投诉？")
[]
>>> held("招投标法", ["中华人民共和国招标投标法（2017年修正）"])
True
>>> held("柳河县中小企业发展引导资金管理办法", ["柳河县人民政府关于支持重点产业发展的实施意见"])
False
>>> doc_numbers("国办发〔2018〕15号文件对旅游用地有什么规定？")
['国办发〔2018〕15号']
"""

from __future__ import annotations

import re

KINDS = "管理办法|实施办法|暂行办法|办法|实施条例|条例|实施细则|细则|指导意见|实施意见|意见|通知|决定|目录|指引|方案|清单|规则|标准|规定|(?<![违合非方做说想看用算手依执立司])法"
# words that are also plain nouns (有意见, 提前通知, 作出决定, 统一规定, 国际标准): a title only when it reads like one
PLAIN = re.compile(r"(?:意见|通知|决定|标准|规定)$")
FORMAL = re.compile(r"关于|管理|暂行|若干|实施|工程项目|使用权|最低价")
NAME = re.compile(rf"([\u4e00-\u9fa5]{{2,40}}?(?:{KINDS}))(?:[（(][^）)]{{1,12}}[）)])?(?=里|中|第|规定|对|关于|要求|明确|提到|写|说|的|是|，|、|？|\?|。|$)")
LEAD = re.compile(r"^(?:按照|根据|依照|依据|对照|参照|关于|查一下|请问|我们|县里|市里|按|照|在|用|从|看|和|及)+")
ASKING = re.compile(r"什么|哪些|哪个|怎么|多少|是否|有没有|能不能|可不可以|吗|几|列入|纳入|进入|入选|符合|达到")  # 「列入…目录」 is no title
GENERIC = re.compile(r"^(?:[\u4e00-\u9fa5]{0,2}(?:国家|相关|有关|现行|新|上述|这个|那个|该|本|我省|我市|我县|省里|市里|县里|地方|具体)?(?:的)?(?:政策|规定|办法|条例|意见|通知|法律|法规|标准|目录|清单|方案|细则|规则|法))$")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号|[\u4e00-\u9fa5]{2,12}令第\d+号")
MIN_CHARS = 5  # shorter runs (「招标法」) are too ambiguous to refuse on
HELD_SHARE = 0.5  # share of the name's bigrams found in one held title


def named_documents(question: str) -> list[str]:
    """Document names the question spells out (no 《》 needed), leading verbs and particles dropped."""
    out = []
    for m in NAME.finditer(question):
        name = LEAD.sub("", m.group(1))
        if len(name) < MIN_CHARS or ASKING.search(name) or GENERIC.match(name):
            continue
        if PLAIN.search(name) and not FORMAL.search(name):
            continue
        out.append(name)
    return out


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fa5]", "", text)
    return {t[i: i + 2] for i in range(len(t) - 1)}


def held(name: str, titles, loose: bool = True) -> bool:
    """A held title: equal title cores, or one core containing the other (a name in 《》 must match so); a name
    written without brackets (`loose`) also when most of its bigrams occur in one held title."""
    from ..retrieve.ranker import title_core

    core = title_core(name)
    for t in titles:
        c = title_core(t)
        if core and (core == c or (len(core) >= 4 and core in c) or (len(c) >= 4 and c in core)):
            return True
    grams = _bigrams(name)
    if not grams:
        return True
    return loose and any(len(grams & _bigrams(t)) / len(grams) >= HELD_SHARE for t in titles)


# a question about the document itself: its 文号, who issued it, when it was issued (not when it takes effect: the text says)
ASKS_META = (
    ("doc_number", "文号", re.compile(r"文号|第几号令|几号令|令号|发文字号")),
    ("issuer", "发文单位", re.compile(r"哪个(?:单位|部门|机关)(?:发|印发|制定|出台)|发文(?:单位|机关)|谁(?:发|印发|制定)的|印发单位|制定机关")),
    ("published", "印发日期", re.compile(r"(?:印发|发布|出台)(?:的)?(?:时间|日期)|(?:哪年|几月|哪天|什么时候|何时)[^，。？]{0,6}(?:印发|发布|出台)")),
)


def asks_metadata(question: str) -> list[tuple[str, str]]:
    """(field, Chinese name) of each document fact the question asks for.

    >>> asks_metadata("这个行动方案是哪个单位发的文，文号多少？")
    [('doc_number', '文号'), ('issuer', '发文单位')]
    >>> asks_metadata("公平竞争审查条例什么时候施行？")
    []
    """
    return [(f, name) for f, name, rx in ASKS_META if rx.search(question)]


def best_title(question: str, titles) -> str | None:
    """The held title the question names best: its core written out, else most of a named document's bigrams."""
    from ..retrieve.ranker import title_core

    written = [t for t in titles if len(title_core(t)) >= 4 and title_core(t) in question]
    if written:
        return max(written, key=lambda t: len(title_core(t)))
    best, share = None, HELD_SHARE
    for name in named_documents(question):
        grams = _bigrams(name)
        for t in titles:
            s = len(grams & _bigrams(t)) / len(grams) if grams else 0.0
            if s >= share:
                best, share = t, s
    return best


def doc_numbers(question: str) -> list[str]:
    """文号 the question cites (国办发〔2018〕15号, 国家市场监督管理总局令第99号)."""
    return [re.sub(r"^(?:和|及|与|、)+", "", LEAD.sub("", n)) for n in DOC_NUMBER.findall(question)]
