"""A newer version of the same local policy repeals the older one, without a manual overlay.

Two documents are versions of one policy when they come from the same region and kind and their titles match once
the issuer prefix, 关于/的, years and version markers (（2023年版）, （试行）, （较早版本）) are set aside. The older one
(by its effective or publication date) is repealed from the day the newer one takes effect, with a note naming the
newer; an undated document counts as older only when its title says so (较早/旧版). A repeal date already given
(manifest, overlay, front matter) wins. Applied when metadata is read from the store, so search, ask, match and
docs all see the same status.

>>> old = DocMeta(title="柳河县加快重点产业发展实施意见（较早版本）", region="吉林省柳河县", kind="local_policy")
>>> new = DocMeta(title="中共柳河县委 柳河县人民政府关于支持重点产业加快发展的实施意见", region="吉林省柳河县",
...               kind="local_policy", published="2023-02-08", effective="2023-02-08")
>>> out = supersede({"old": old, "new": new})
>>> out["old"].repealed, out["old"].superseded_by, out["new"].repealed
('2023-02-08', 'new', None)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .model import DocMeta

VERSION_MARK = re.compile(r"[（(][^）)]*(?:版|修订|修正|试行|暂行|节选|征求意见|\d{4})[^）)]*[）)]")
OLDER_MARK = re.compile(r"较早|旧版|原版")
SIMILAR = 0.8  # share of title characters two versions have in common


def title_key(title: str) -> str:
    """The title without issuer, 关于/的, years and version markers.

    >>> title_key("中共柳河县委 柳河县人民政府关于支持重点产业加快发展的实施意见"), title_key("柳河县加快重点产业发展实施意见（较早版本）")
    ('支持重点产业加快发展实施意见', '柳河县加快重点产业发展实施意见')
    """
    t = VERSION_MARK.sub("", title)
    t = re.sub(r"^.{0,40}?关于", "", t)  # 「××人民政府关于」
    t = re.sub(r"\d{4}\s*(?:年版?|—|-)?|[“”\"《》\s]|的", "", t)
    return t


def _same_policy(a: DocMeta, b: DocMeta) -> bool:
    if a.kind != b.kind or not a.region or a.region != b.region or a.region == "全国":
        return False
    ka, kb = title_key(a.title), title_key(b.title)
    if not ka or not kb or ka[-2:] != kb[-2:]:  # same kind of instrument: 意见, 办法, 细则 …
        return False
    for place in re.findall(r"[\u4e00-\u9fa5]{1,6}?(?:省|市|县|区|旗|盟)", a.region):
        ka, kb = ka.replace(place, ""), kb.replace(place, "")  # 柳河县加快… ≈ 加快…
    common = sum((Counter(ka) & Counter(kb)).values())
    return common / max(len(ka), len(kb)) >= SIMILAR


def _start(m: DocMeta) -> str | None:
    return m.effective or m.published


def _newer(a: DocMeta, b: DocMeta) -> bool:
    """True when b is a later version than a."""
    sa, sb = _start(a), _start(b)
    if sa and sb:
        return sb > sa
    return bool(sb) and not sa and bool(OLDER_MARK.search(a.title))


def supersede(metas: dict[str, DocMeta]) -> dict[str, DocMeta]:
    """Every document's metadata with repeals by newer versions applied (input unchanged)."""
    by_region: dict[tuple, list[str]] = {}
    for doc_id, m in metas.items():
        if m.region and m.region != "全国":
            by_region.setdefault((m.region, m.kind), []).append(doc_id)
    out = dict(metas)
    for ids in by_region.values():
        for old_id in ids:
            old = metas[old_id]
            newer = [n for n in ids if n != old_id and _newer(old, metas[n]) and _same_policy(old, metas[n])]
            if not newer:
                continue
            new_id = min(newer, key=lambda n: _start(metas[n]) or "")  # the next version repeals this one
            new = metas[new_id]
            note = old.note or f"已被《{new.title}》（{_start(new)}起施行）取代"
            out[old_id] = replace(old, repealed=old.repealed or _start(new), superseded_by=new_id, note=note)
    return out


__all__ = ["supersede", "title_key"]
