"""LLM settings from the environment (or a dict): any OpenAI-compatible server — vLLM, Ollama, Xinference, llama.cpp."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import AssistantError

PROMPTS = Path(__file__).resolve().parent / "prompts"  # package data; POLICY_ASSISTANT_PROMPTS overrides


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str = "not-needed"
    timeout: float = 60.0
    max_tokens: int = 256
    temperature: float = 0.0

    @classmethod
    def from_env(cls, env=os.environ) -> LLMSettings | None:
        """POLICY_ASSISTANT_LLM_BASE_URL (unset → no LLM), _MODEL, _API_KEY, _TIMEOUT, _MAX_TOKENS."""
        base = env.get("POLICY_ASSISTANT_LLM_BASE_URL", "").strip()
        if not base:
            return None
        try:
            return cls(base_url=base, model=env.get("POLICY_ASSISTANT_LLM_MODEL", "default"),
                       api_key=env.get("POLICY_ASSISTANT_LLM_API_KEY") or "not-needed",
                       timeout=float(env.get("POLICY_ASSISTANT_LLM_TIMEOUT", "60")),
                       max_tokens=int(env.get("POLICY_ASSISTANT_LLM_MAX_TOKENS", "256")))
        except ValueError as exc:
            raise AssistantError(f"大模型设置有误（POLICY_ASSISTANT_LLM_TIMEOUT / _MAX_TOKENS 须为数字）：{exc}") from exc

    def chat_model(self):
        """A LangChain ChatOpenAI bound to this server (no retries: a failure falls back at once)."""
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover
            raise ImportError('大模型回答需要 langchain-openai：pip install -e ".[llm]"') from exc
        # max_tokens goes out as max_completion_tokens, which some servers (llama.cpp) ignore: send both
        return ChatOpenAI(base_url=self.base_url, model=self.model, api_key=self.api_key, timeout=self.timeout,
                          max_tokens=self.max_tokens, temperature=self.temperature, max_retries=0,
                          extra_body={"max_tokens": self.max_tokens})


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    user: str
    clause: str


def prompts_dir() -> Path:
    """The prompt folder: $POLICY_ASSISTANT_PROMPTS when set, else the packaged prompts."""
    root = os.environ.get("POLICY_ASSISTANT_PROMPTS", "").strip()
    return Path(root) if root else PROMPTS


def load_prompt(name: str = "answer", root: Path | None = None) -> Prompt:
    path = (root or prompts_dir()) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Prompt(version=data["version"], system=data["system"], user=data["user"], clause=data["clause"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise AssistantError(f"提示词文件 {path} 无法使用：{exc}") from exc


def add_arguments(parser) -> None:
    """--llm-base-url / --llm-model (default: the POLICY_ASSISTANT_LLM_* environment)."""
    parser.add_argument("--llm-base-url", default=None, help="OpenAI 兼容的大模型服务地址，如 http://127.0.0.1:8080/v1（默认取环境变量 POLICY_ASSISTANT_LLM_BASE_URL；不设则不用大模型）")
    parser.add_argument("--llm-model", default=None, help="模型名（默认 POLICY_ASSISTANT_LLM_MODEL）")
    parser.add_argument("--llm-timeout", type=float, default=None, help="超时秒数（默认 60）")


def from_args(args, env=os.environ) -> LLMSettings | None:
    merged = dict(env)
    if getattr(args, "llm_base_url", None):
        merged["POLICY_ASSISTANT_LLM_BASE_URL"] = args.llm_base_url
    if getattr(args, "llm_model", None):
        merged["POLICY_ASSISTANT_LLM_MODEL"] = args.llm_model
    if getattr(args, "llm_timeout", None):
        merged["POLICY_ASSISTANT_LLM_TIMEOUT"] = str(args.llm_timeout)
    return LLMSettings.from_env(merged)
