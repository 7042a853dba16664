"""Find files under the given paths and load each into a Document (text + metadata)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Iterator

from ..errors import LoadError, SkipFile
from . import meta as meta_mod
from .load import IGNORED_NAMES, SUPPORTED, load_file
from .model import Document


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    root: Path  # the ingest root it was found under
    rel: str  # path relative to the root, '/'-separated
    from_dir: bool = False  # found by walking a folder (its root is pruned of files that disappear)


def display_name(name: str) -> str:
    """A file name safe for one output line (control characters such as a newline shown escaped)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def scan(paths: list[Path]) -> Iterator[SourceFile | LoadError]:
    """Yield files under each path (recursively). Symlinks escaping the root or looping are refused, and whatever
    is passed over (hidden files, FIFOs, unreadable folders) is yielded as a SkipFile/LoadError with its reason."""
    for given in paths:
        given = Path(given)
        try:
            exists = given.exists()
        except OSError as exc:  # e.g. a symlink loop given directly
            yield LoadError(display_name(str(given)), f"无法访问（{exc.strerror or exc}）")
            continue
        if not exists:
            yield LoadError(display_name(str(given)), "路径不存在" if not given.is_symlink() else "符号链接无效或循环")
            continue
        if not given.is_dir():
            if not given.is_file():
                yield SkipFile(display_name(given.name), "不是普通文件（如管道、设备），已跳过")
                continue
            yield SourceFile(given.resolve(), given.parent.resolve(), given.name)
            continue
        yield from _walk(given, given.resolve())


def _walk(given: Path, root: Path) -> Iterator[SourceFile | LoadError]:
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(given, followlinks=False, onerror=unreadable.append):
        while unreadable:
            exc = unreadable.pop()
            where = Path(exc.filename).relative_to(given).as_posix() if exc.filename else str(given)
            yield LoadError(display_name(where + "/"), f"文件夹无法读取（{exc.strerror or exc}），其中的文件未导入")
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "rules")  # rules/: incentive rule data
        for name in sorted(filenames):
            if name in IGNORED_NAMES or name.endswith((".yaml", ".yml")):
                continue
            full = Path(dirpath) / name
            rel = full.relative_to(given).as_posix()
            if name.startswith("."):
                if Path(name).suffix.lower() in SUPPORTED and name.strip(".") and name not in (".gitkeep",):
                    yield SkipFile(display_name(rel), "隐藏文件（文件名以“.”开头），已跳过")
                continue
            try:
                real = full.resolve(strict=True)
            except (OSError, RuntimeError):
                yield LoadError(display_name(rel), "符号链接无效或循环，已跳过")
                continue
            if not real.is_relative_to(root):
                yield LoadError(display_name(rel), f"符号链接指向导入目录之外（{real}），已拒绝")
                continue
            if not real.is_file():
                yield SkipFile(display_name(rel), "不是普通文件（如管道、设备），已跳过")
                continue
            yield SourceFile(real, root, rel, from_dir=True)
    while unreadable:
        exc = unreadable.pop()
        yield LoadError(display_name(str(exc.filename or given)), f"文件夹无法读取（{exc.strerror or exc}）")


def slug(rel: str) -> str:
    stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
    return re.sub(r"[\s#]+", "-", stem)


def load_overrides(path: Path) -> dict[str, dict]:
    """A metadata overlay for folders we may not edit: {file name: {field: value}} in YAML."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(str(path), f"元数据覆盖文件无法读取：{exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise LoadError(str(path), "元数据覆盖文件应为 {文件名: {字段: 值}}")
    return {str(k): dict(fields) for k, fields in data.items()}  # `note` says why (shown with the status)


def load_document(src: SourceFile, manifests: dict[Path, dict], max_mb: float, overrides: dict[str, dict] | None = None,
                  manifest_errors: dict[Path, LoadError] | None = None) -> Document:
    """Read one file; metadata from text, then MANIFEST.tsv, then an overlay file, then YAML front matter.
    A MANIFEST.tsv that cannot be read is reported once in `manifest_errors`; its folder's files load without it."""
    loaded = _read_stable(src, max_mb)
    text = loaded.text
    front, body = meta_mod.split_front_matter(text, src.rel)
    folder = src.path.parent
    if folder not in manifests:
        try:
            manifests[folder] = meta_mod.read_manifest(folder)
        except Exception as exc:  # noqa: BLE001 - a bad manifest must not stop ingest
            manifests[folder] = {}
            rel_folder = src.rel.rsplit("/", 1)[0] + "/" if "/" in src.rel else ""
            error = LoadError(f"{rel_folder}MANIFEST.tsv", f"清单文件无法读取，本文件夹的文件按正文识别元数据：{exc}")
            if manifest_errors is None:
                raise error from exc
            manifest_errors[folder] = error
    meta = meta_mod.from_text(body, src.rel)
    meta = meta_mod.merge(meta, hint_fields(loaded.hints), src.rel)
    meta = meta_mod.merge(meta, manifests[folder].get(src.path.name, {}), src.rel)
    if overrides:
        meta = meta_mod.merge(meta, overrides.get(src.rel) or overrides.get(src.path.name) or {}, src.rel)
    meta = meta_mod.merge(meta, front, src.rel)
    if "示例" in meta.title and not meta.sample:
        meta = replace(meta, sample=True)
    meta = meta_mod.infer(meta)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id=slug(src.rel), file=src.rel, sha256=digest, text=body, meta=meta, hints=dict(loaded.hints))


def hint_fields(hints: dict[str, str]) -> dict:
    """Loader hints (portal info table) as metadata fields; text guesses yield to them, files and front matter win."""
    out: dict = {}
    if hints.get("issuer"):
        out["issuer"] = hints["issuer"]
    if hints.get("doc_number") and meta_mod.DOC_NUMBER.search(hints["doc_number"]):
        out["doc_number"] = hints["doc_number"]
    if hints.get("issued"):
        out.update({k: v for k, v in meta_mod.parse_dates(hints["issued"]).items() if k == "published"})
    return out


def _read_stable(src: SourceFile, max_mb: float, tries: int = 3):
    """The loaded file, re-read when its size or mtime changed while it was being read (a file being written)."""
    for _ in range(tries):
        before = src.path.stat()
        loaded = load_file(src.path, src.rel, max_mb=max_mb)
        after = src.path.stat()
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns):
            return loaded
    raise LoadError(src.rel, "文件在读取过程中不断变化（可能仍在写入），请写完后再导入")


def load_all(paths: list[Path], max_mb: float = 50) -> list[Document]:
    """Every document under `paths` that loads (for evaluation and benchmarks; `ingest` reports failures instead)."""
    manifests: dict[Path, dict] = {}
    docs = []
    for src in scan(paths):
        if isinstance(src, LoadError):
            continue
        try:
            docs.append(load_document(src, manifests, max_mb))
        except LoadError:
            continue
    return docs


__all__ = ["SourceFile", "scan", "load_document", "load_all", "slug", "LoadError", "SkipFile"]
