"""「区域对标」 tab: one project against competing regions, with Word / Excel / Markdown / JSON downloads.

`compare_regions` is a plain handler (tested without a browser); `build` lays out the tab.
"""

import json
import tempfile
from pathlib import Path

from ..errors import AssistantError

DOWNLOADS = ("区域对标报告.docx", "区域对标.xlsx", "区域对标报告.md", "区域对标.json")
INVESTOR_LIST = "产业链政策清单.xlsx"  # for the investor: in force, reviewed, nothing red-flagged


def compare_regions(ctx, profile_json: str, regions: str = "", as_of: str = "", chain: str = "", request=None):
    """Profile JSON (the form's values) → (Markdown report, download paths)."""
    from ..cli.compare import regions_arg
    from ..compare import report_docx, report_md, report_xlsx
    from ..compare.chain import chain_view, spec_of
    from ..compare.service import compare, profile_from
    from ..compare.views import to_dict
    from ..retrieve import Filters

    try:
        user, role = ctx.require(request, "match")  # same right as 项目匹配
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
        data = json.loads(profile_json or "{}")
        if not isinstance(data, dict):
            raise AssistantError("项目信息应为键值对")
        profile = profile_from(data)
        when = Filters.parse_date(as_of or None)
        from ..match.service import DEFAULT_RULE_DIRS

        dirs = [d for d in (ctx.rule_dirs or DEFAULT_RULE_DIRS) if Path(d).exists()]  # () = the packaged rules
        wanted = regions_arg(regions)
        with ctx.lock:
            index = ctx.index
            comparison = compare(profile, index, dirs, regions=wanted, as_of=when,
                                 retriever=ctx.retriever if profile.value("is_foreign") else None)
            spec = (chain or "").strip() or spec_of(profile)
            view = chain_view(spec, index, dirs, regions=wanted, as_of=when) if spec else None
    except json.JSONDecodeError as exc:
        return f"⚠️ 项目信息格式错误：{exc}", []
    except AssistantError as exc:
        return f"⚠️ {exc}", []
    report = report_md.markdown(comparison, view)
    out = Path(tempfile.mkdtemp(prefix="compare-"))
    docx, xlsx, md, js = (out / name for name in DOWNLOADS)
    report_docx.docx(comparison, docx, view)
    report_xlsx.workbook(comparison, xlsx, view)
    md.write_text(report, encoding="utf-8")
    js.write_text(json.dumps(to_dict(comparison, view), ensure_ascii=False, indent=1), encoding="utf-8")
    paths = [docx, xlsx, md, js]
    if view is not None:
        report_xlsx.investor_list(view, comparison.as_of, out / INVESTOR_LIST)
        paths.append(out / INVESTOR_LIST)
    asked = json.dumps({**data, "regions": wanted, "chain": spec}, ensure_ascii=False, sort_keys=True)
    ctx.audit.record(user, role, "compare", question=asked,
                     clause_ids=sorted({o.clause_id for r in comparison.available() for o in r.offers if o.status == "eligible"}),
                     index_snapshot=comparison.index_snapshot, answer=report)
    return report, [str(p) for p in paths]


def build(ctx, gr, handler) -> None:
    from .ui import PROFILE_FORM, profile_fields, profile_from_form

    form = [f for f in PROFILE_FORM if f[0] != "region"]
    with gr.Tab("区域对标"):
        gr.Markdown("同一项目在各竞合地区可获得的支持、条件、有效期与公平竞争风险并列对比；"
                    "存在公平竞争风险的金额单列，不计入合法合计。")
        fields = profile_fields(gr, form)
        with gr.Row():
            regions = gr.Textbox(label="对标地区（逗号分隔，默认全部有规则的地区）", placeholder="柳河县,临港地区")
            chain = gr.Textbox(label="产业链政策清单（可选）", placeholder="新能源汽车/动力电池/中游")
            as_of = gr.Textbox(label="判断日期（可选）")
        btn = gr.Button("开始对标", variant="primary")
        report = gr.Markdown()
        files = gr.File(label="下载（Word 报告、Excel 工作簿、Markdown、JSON）", file_count="multiple")

        def run(*values, request):
            *values, r, c, when = values
            data = _form_data(form, values, profile_from_form)
            return compare_regions(ctx, json.dumps(data, ensure_ascii=False), r, when, c, request)

        btn.click(handler(run, len(fields) + 3, gr), [*fields, regions, chain, as_of], [report, files], api_name="compare")


def _form_data(form, values, profile_from_form) -> dict:
    """The shared form helper reads values in PROFILE_FORM order; this tab has no region field."""
    from .ui import PROFILE_FORM

    by_name = dict(zip((f[0] for f in form), values))
    return profile_from_form([by_name.get(f[0]) for f in PROFILE_FORM])
