"""批量导入 tab: a folder's files or .zip archives into the knowledge base, with per-file progress and a result
table (文件, 状态, 标题, 文号, 条款数, 原因). Admin only.

Archives are unpacked with limits (members, sizes) and never outside the upload folder: absolute names, 「..」,
symlinks and device files are refused, each with a line in the table. GBK member names from Windows zips are
decoded as GBK.
"""

import json
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from ..config import MAX_FILE_MB
from ..errors import AssistantError

HEADERS = ["文件", "状态", "标题", "文号", "条款数", "原因"]
STATUS_CN = {"added": "新增", "updated": "更新", "unchanged": "未变", "duplicate": "重复", "skipped": "跳过",
             "failed": "失败", "removed": "已移除"}
MAX_MEMBERS = 2000
MAX_ZIP_TOTAL_MB = 1000


def _clean_name(name: str) -> str:
    """One path component, printable: no separators, newlines or leading dots."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", name).strip().lstrip(".")
    return name or "未命名"


def _unique(path: Path) -> Path:
    stem, suffix, n = path.stem, path.suffix, 2
    while path.exists():
        path = path.with_name(f"{stem}-{n}{suffix}")
        n += 1
    return path


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # UTF-8 flag
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_zip(archive: Path, dest: Path, label: str) -> tuple[list[Path], list[list]]:
    """Extract an archive's files under dest/<archive stem>/; returns (files, refused rows)."""
    refused: list[list] = []
    try:
        zf = zipfile.ZipFile(archive)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return [], [[label, "失败", "", "", "", f"压缩包无法打开（{type(exc).__name__}）"]]
    files = [i for i in infos if not i.is_dir()]
    if len(files) > MAX_MEMBERS:
        return [], [[label, "失败", "", "", "", f"压缩包内文件过多（{len(files)} 个，上限 {MAX_MEMBERS}）"]]
    total = sum(i.file_size for i in files)
    if total > MAX_ZIP_TOTAL_MB * 1024 * 1024:
        return [], [[label, "失败", "", "", "", f"压缩包解压后 {total / 1024 / 1024:.0f} MB，超过上限 {MAX_ZIP_TOTAL_MB} MB，疑似压缩炸弹"]]
    root = dest / _clean_name(Path(label).stem)
    out: list[Path] = []
    with zf:
        for info in files:
            name = _member_name(info)
            shown = f"{label}/{name}".replace("\n", " ")
            parts = PurePosixPath(name.replace("\\", "/")).parts
            mode = info.external_attr >> 16
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                refused.append([shown, "失败", "", "", "", "压缩包内路径越界（绝对路径或 ..），已拒绝"])
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # no type bits (many zip tools) means a plain file
                refused.append([shown, "失败", "", "", "", "压缩包内的符号链接或特殊文件，已拒绝"])
                continue
            if info.file_size > MAX_FILE_MB * 1024 * 1024:
                refused.append([shown, "失败", "", "", "", f"解压后过大（{info.file_size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_MB:g} MB）"])
                continue
            if any(p.startswith("__MACOSX") for p in parts) or parts[-1].startswith("."):
                continue
            target = root.joinpath(*[_clean_name(p) for p in parts])
            if not target.resolve().is_relative_to(dest.resolve()):
                refused.append([shown, "失败", "", "", "", "压缩包内路径越界，已拒绝"])
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target = _unique(target)
            with zf.open(info) as src, target.open("wb") as fh:  # zipfile stops at the declared size
                shutil.copyfileobj(src, fh, 1024 * 1024)
            out.append(target)
    return out, refused


def stage_uploads(paths: list[str], dest: Path) -> tuple[list[Path], list[list]]:
    """Copy uploaded files (and unpack .zip archives) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    staged, refused = [], []
    for given in paths or []:
        src = Path(given)
        name = _clean_name(src.name)
        if src.suffix.lower() == ".zip":
            files, bad = unpack_zip(src, dest, name)
            staged += files
            refused += bad
            continue
        target = _unique(dest / name)
        shutil.copy(src, target)
        staged.append(target)
    return staged, refused


def upload_ingest(ctx, uploads: list[str] | None, request=None, progress=None) -> tuple[str, list[list]]:
    """管理员: stage the uploads under <index>/uploads and ingest them; one table row per file."""
    from ..index.ingest import ingest

    try:
        user, role = ctx.require(request, "admin")
        ctx = ctx.for_request(request)  # the knowledge base this user chose and may read
    except AssistantError as exc:
        return f"⚠️ {exc}", []
    if not uploads:
        return "请选择文件、文件夹或 .zip 压缩包", []
    accepted, refused = [], []
    for u in uploads:  # only files this app received as uploads (never an arbitrary server path)
        try:
            accepted.append(str(ctx.uploads.accept(u)))
        except AssistantError as exc:
            refused.append([Path(u).name, "失败", "", "", "", str(exc)])
    target = ctx.index_dir / "uploads"
    staged, rows = stage_uploads(accepted, target)
    rows = refused + rows
    mine = {p.resolve().relative_to(target.resolve()).as_posix() for p in staged}

    def on_file(i, n, rel):
        if progress is not None:
            progress((i - 1) / max(n, 1), desc=f"导入 {i}/{n}：{rel}")

    def on_page(rel, page, pages):
        if progress is not None:
            progress(page / max(pages, 1), desc=f"{rel}：OCR 第 {page}/{pages} 页")

    with ctx.lock:
        report = ingest([target], ctx.index, show_progress=False, on_file=on_file, on_page=on_page)
    docs = {r["doc_id"]: r for r in ctx.index.store.doc_rows()}
    for r in report.results:
        if r.file not in mine:
            continue
        row = docs.get(r.doc_id or "")
        meta = row["meta"] if row else {}
        reason = r.detail.replace("\n", " ") if r.status not in ("added", "updated", "unchanged") else ""
        rows.append([r.file, STATUS_CN.get(r.status, r.status), meta.get("title", ""), meta.get("doc_number") or "",
                     row["n_clauses"] if row else "", reason])
    ctx.audit.record(user, role, "ingest", question=json.dumps(sorted(mine), ensure_ascii=False),
                     index_snapshot=ctx.index.store.snapshot(),
                     detail=json.dumps({s: report.count(s) for s in ("added", "updated", "failed")}))
    ok = sum(1 for r in rows if r[1] in ("新增", "更新", "未变"))
    return f"共 {len(rows)} 个文件：成功 {ok} 个，失败或跳过 {len(rows) - ok} 个", rows


def build(ctx, gr, handler) -> None:
    """The 批量导入 tab (call inside gr.Blocks)."""
    with gr.Tab("批量导入"):
        gr.Markdown("上传文件、整个文件夹或 .zip 压缩包（支持 .docx .doc .wps .pdf 扫描件 .png .jpg .tif .ofd .xlsx .html .md .txt）。仅管理员。")
        with gr.Row():
            files = gr.File(label="文件或 .zip", file_count="multiple", type="filepath")
            folder = gr.File(label="文件夹", file_count="directory", type="filepath")
        go = gr.Button("导入", variant="primary")
        summary = gr.Markdown()
        table = gr.Dataframe(headers=HEADERS, wrap=True)

        def on_upload(f, d, request: gr.Request, progress=gr.Progress()):
            return upload_ingest(ctx, list(f or []) + list(d or []), request, progress)

        go.click(on_upload, [files, folder], [summary, table], api_name="upload")
