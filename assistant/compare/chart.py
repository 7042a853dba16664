"""Bar chart (PNG): lawful versus red-flagged estimated support per region."""

from __future__ import annotations

from pathlib import Path

from .model import Comparison

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei"]


def bar_chart(c: Comparison, path: Path) -> Path:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover
        raise ImportError('对标图表需要 matplotlib：pip install "matplotlib==3.11.2"') from exc
    regions = c.available()
    names = [r.region for r in regions]
    low = [r.lawful_range_wan[0] for r in regions]
    extra = [r.lawful_range_wan[1] - r.lawful_range_wan[0] for r in regions]
    flagged = [r.flagged_wan for r in regions]
    with plt.rc_context({"font.sans-serif": CJK_FONTS + plt.rcParams["font.sans-serif"], "font.family": "sans-serif",
                         "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.75 * max(2, len(names))), dpi=150)
        y = list(range(len(names)))
        h = 0.38
        ax.barh([i - h / 2 for i in y], low, h, color="#2e75b6", label="合法估算（下限）")
        ax.barh([i - h / 2 for i in y], extra, h, left=low, color="#9dc3e6", label="合法估算（区间上限）")
        ax.barh([i + h / 2 for i in y], flagged, h, color="#c00000", label="存在公平竞争风险（未计入）")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel("估算支持（万元）")
        ax.set_title(f"{c.project}：各地区估算支持对比（{c.as_of}）")
        ax.legend(loc="lower right", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        fig.savefig(str(path))
        plt.close(fig)
    return path
