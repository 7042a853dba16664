"""Find files under the given paths and load each into a Document (text + metadata)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from ..errors import LoadError, SkipFile
from . import meta as meta_mod
from .load import IGNORED_NAMES, load_file
from .model import Document


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    root: Path  # the ingest root it was found under
    rel: str  # path relative to the root, '/'-separated


def scan(paths: list[Path]) -> Iterator[SourceFile | LoadError]:
    """Yield files under each path (recursively); symlinks escaping the root are refused."""
    for given in paths:
        given = Path(given)
        if not given.exists():
            yield LoadError(str(given), "路径不存在")
            continue
        if given.is_file():
            root = given.parent.resolve()
            yield SourceFile(given.resolve(), root, given.name)
            continue
        root = given.resolve()
        for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "rules")  # rules/: incentive rule data
            for name in sorted(filenames):
                if name.startswith(".") or name in IGNORED_NAMES or name.endswith((".yaml", ".yml")):
                    continue
                full = Path(dirpath) / name
                rel = full.relative_to(given).as_posix()
                real = full.resolve()
                if not real.is_relative_to(root):
                    yield LoadError(rel, f"符号链接指向导入目录之外（{real}），已拒绝")
                    continue
                if not real.is_file():
                    continue
                yield SourceFile(real, root, rel)


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
    return {str(k): {f: v for f, v in fields.items() if f != "note"} for k, fields in data.items()}


def load_document(src: SourceFile, manifests: dict[Path, dict], max_mb: float, overrides: dict[str, dict] | None = None) -> Document:
    """Read one file; metadata from text, then MANIFEST.tsv, then an overlay file, then YAML front matter."""
    loaded = load_file(src.path, src.rel, max_mb=max_mb)
    text = loaded.text
    front, body = meta_mod.split_front_matter(text, src.rel)
    folder = src.path.parent
    if folder not in manifests:
        try:
            manifests[folder] = meta_mod.read_manifest(folder)
        except Exception as exc:  # a bad manifest must not stop ingest
            raise LoadError(f"{folder}/MANIFEST.tsv", f"无法读取：{exc}") from exc
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
