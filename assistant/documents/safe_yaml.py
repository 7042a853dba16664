"""YAML for untrusted front matter: no aliases/anchors (billion-laughs), bounded size and value length."""

from __future__ import annotations

import yaml

MAX_BYTES = 64 * 1024
MAX_VALUE = 4000  # characters in one scalar
MAX_NODES = 2000


class NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases and counts nodes as it composes them."""

    nodes = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(None, None, "不允许使用 YAML 别名（*引用）", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.constructor.ConstructorError(None, None, "不允许使用 YAML 锚点（&定义）", event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise yaml.constructor.ConstructorError(None, None, f"YAML 头部的项目超过 {MAX_NODES} 个", event.start_mark)
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_VALUE:
            raise yaml.constructor.ConstructorError(None, None, f"YAML 头部的值超过 {MAX_VALUE} 个字符", event.start_mark)
        return super().compose_node(parent, index)


def safe_load(text: str):
    """Like yaml.safe_load, for untrusted text. Raises yaml.YAMLError (with a Chinese problem) or ValueError."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"YAML 头部超过 {MAX_BYTES // 1024} KB")
    loader = NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
