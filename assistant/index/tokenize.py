"""jieba tokenisation for BM25, with a policy-domain user dictionary and a small stopword list."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

_LOCK = threading.Lock()
_READY = False
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]+")
VERSION = "jieba-search+bigram-1"  # stored with an index; tokens are rebuilt when it changes
STOPWORDS = frozenset(
    """的 了 和 与 及 或 或者 是 在 对 等 由 其 之 为 以 将 被 把 向 从 于 并 而 且 也 都 就 这 那 这个 那个 什么 怎么 怎么办
    怎样 如何 吗 呢 吧 啊 呀 嘛 哪些 哪个 有没有 能不能 可不可以 是否 我 我们 你 你们 他 他们 她 它 自己 一个 个 请问 问 想 要
    会 该 应该 需要 可以 能 有 没有 不 到 给 让 中 上 下 里""".split()
)


def _init() -> None:
    global _READY
    with _LOCK:
        if _READY:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.load_userdict(str(Path(__file__).with_name("userdict.txt")))
        _READY = True


def tokenize(text: str, stopwords: bool = True) -> list[str]:
    """Lower-cased jieba tokens (search mode: long words plus their parts), no punctuation, plus CJK
    character bigrams (robust to segmentation differences between question and statute).

    >>> tokenize("招商引资中能不能给企业返还税收")[:3]
    ['招商', '引资', '招商引资']
    """
    _init()
    import jieba

    out = []
    for tok in jieba.cut_for_search(text.lower()):
        tok = tok.strip()
        if not tok or _PUNCT.match(tok) or (stopwords and tok in STOPWORDS):
            continue
        out.append(tok)
    for seg in _CJK.findall(text):
        out.extend("#" + seg[i : i + 2] for i in range(len(seg) - 1))  # '#' keeps bigrams apart from words
    return out
