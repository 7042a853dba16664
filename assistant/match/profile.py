"""The project profile an officer fills in; every field optional except the target region."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import AssistantError
from .units import parse_area_sqm, parse_land_mu, parse_money_wan, parse_percent

MAX_WAN = 1e8  # 1 万亿元: beyond any single project
LABELS = {
    "name": "项目名称", "industry": "行业", "industry_code": "国民经济行业代码", "chain": "产业链", "chain_link": "产业链环节",
    "chain_role": "链上作用", "description": "项目描述", "total_investment_wan": "总投资（万元）",
    "fixed_asset_investment_wan": "固定资产投资（万元）", "land_mu": "用地（亩）", "annual_output_wan": "预计年产值（万元）",
    "annual_tax_wan": "预计年税收（万元）", "local_fiscal_contribution_wan": "预计年地方财政贡献（万元）",
    "annual_revenue_wan": "预计年营业收入（万元）", "rd_investment_wan": "年研发投入（万元）",
    "employees": "就业人数", "rd_ratio": "研发投入占比（%）", "enterprise_type": "企业类型", "foreign": "是否外商投资",
    "stage": "发展阶段", "talent": "人才", "qualifications": "资质与认定", "region": "落地地区", "planned_start": "计划开工日期",
    "equipment_investment_wan": "设备投资（万元）", "land_price_paid_wan": "已缴土地出让价款（万元）",
    "annual_rent_wan": "年租金（万元）", "plant_area_sqm": "厂房/用房面积（平方米）", "new_tax_wan": "新增税收（万元）",
    "local_retained_tax_wan": "地方留成税收（万元）", "purchase_wan": "采购额（万元）", "new_hires": "新招用人数",
    "introduced_enterprises": "引进企业数（家）",
}
MONEY_FIELDS = ("total_investment_wan", "fixed_asset_investment_wan", "annual_output_wan", "annual_tax_wan",
                "local_fiscal_contribution_wan", "annual_revenue_wan", "rd_investment_wan", "equipment_investment_wan",
                "land_price_paid_wan", "annual_rent_wan", "new_tax_wan", "local_retained_tax_wan", "purchase_wan")
# common wording → the profile's enum values (企业类型 as officers and policies write it)
ENTERPRISE_TYPE = {"民营": ("民营企业", "私营企业", "私营", "民企", "民营经济"), "外资": ("外商投资企业", "外资企业", "外商独资", "外商独资企业",
                   "中外合资", "中外合资企业", "中外合作企业", "三资企业", "外企"), "国有": ("国有企业", "国企", "国有控股", "国有独资"),
                   "内资": ("内资企业", "国内企业")}
STAGES = {"初创期": ("初创", "初创企业", "新办", "新设"), "成长期": ("成长", "成长型"), "成熟期": ("成熟", "成熟企业")}


class ProjectProfile(BaseModel):
    """What is known of a project; money in 万元 (「1.2亿元」 is read as 12000).

    >>> ProjectProfile(region="柳河县", fixed_asset_investment_wan="1.2亿元").fixed_asset_investment_wan
    12000.0
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = None
    industry: str | None = None
    industry_code: str | None = Field(default=None, pattern=r"^[A-T]?\d{0,4}$")
    chain: str | None = None
    chain_link: Literal["上游", "中游", "下游"] | None = None
    chain_role: Literal["延链", "补链", "强链"] | None = None
    description: str | None = None
    total_investment_wan: float | None = None
    fixed_asset_investment_wan: float | None = None
    land_mu: float | None = None
    annual_output_wan: float | None = None
    annual_revenue_wan: float | None = None
    annual_tax_wan: float | None = None
    local_fiscal_contribution_wan: float | None = None
    rd_investment_wan: float | None = None
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    rd_ratio: float | None = None
    enterprise_type: Literal["内资", "外资", "国有", "民营"] | None = None
    foreign: bool | None = None
    stage: Literal["初创期", "成长期", "成熟期"] | None = None
    talent: list[str] = Field(default_factory=list)
    qualifications: list[str] = Field(default_factory=list)
    region: str = Field(min_length=2)
    planned_start: date | None = None
    equipment_investment_wan: float | None = None
    land_price_paid_wan: float | None = None
    annual_rent_wan: float | None = None
    plant_area_sqm: float | None = None
    new_tax_wan: float | None = None
    local_retained_tax_wan: float | None = None
    purchase_wan: float | None = None
    new_hires: int | None = Field(default=None, ge=0, le=10_000_000)
    introduced_enterprises: int | None = Field(default=None, ge=0, le=100_000)

    @field_validator("enterprise_type", mode="before")
    @classmethod
    def _enterprise_type(cls, v):
        return _alias(v, ENTERPRISE_TYPE)

    @field_validator("stage", mode="before")
    @classmethod
    def _stage(cls, v):
        return _alias(v, STAGES)

    @field_validator("plant_area_sqm", mode="before")
    @classmethod
    def _area(cls, v):
        return _number(v, parse_area_sqm, 1e9, f"数值不合理：{v} 平方米")

    @field_validator("employees", "new_hires", "introduced_enterprises", mode="before")
    @classmethod
    def _people(cls, v):
        if isinstance(v, str):
            v = v.strip().removesuffix("人").removesuffix("名").removesuffix("家").strip()
        return v

    @field_validator(*MONEY_FIELDS, mode="before")
    @classmethod
    def _money(cls, v):
        return _number(v, parse_money_wan, MAX_WAN, f"数值不合理：{v} 万元超过 1 万亿元，请检查单位（本字段单位为万元）")

    @field_validator("land_mu", mode="before")
    @classmethod
    def _land(cls, v):
        return _number(v, parse_land_mu, 1_000_000, f"数值不合理：{v} 亩")

    @field_validator("rd_ratio", mode="before")
    @classmethod
    def _ratio(cls, v):
        return _number(v, parse_percent, 100, f"应在 0–100（%）之间，当前为 {v}")

    # derived figures used by rule conditions
    def value(self, name: str):
        if name == "investment_intensity_wan_per_mu":
            if self.fixed_asset_investment_wan is None or not self.land_mu:
                return None
            return self.fixed_asset_investment_wan / self.land_mu
        if name == "tax_per_mu_wan":
            if self.annual_tax_wan is None or not self.land_mu:
                return None
            return self.annual_tax_wan / self.land_mu
        if name in ("phd_count", "master_count"):
            if not self.talent:
                return None
            word = "博士" if name == "phd_count" else "硕士"
            return sum(1 for t in self.talent if word in t)
        if name == "is_foreign":
            if self.foreign is not None:
                return self.foreign
            return None if self.enterprise_type is None else self.enterprise_type == "外资"
        if name == "revenue_intensity_wan_per_mu":
            if self.annual_revenue_wan is None or not self.land_mu:
                return None
            return self.annual_revenue_wan / self.land_mu
        if name == "rd_ratio" and self.rd_ratio is None and self.rd_investment_wan is not None and self.annual_revenue_wan:
            return 100 * self.rd_investment_wan / self.annual_revenue_wan
        return getattr(self, name, None)  # a commitment the profile cannot state (经营期限…): unknown

    def text(self) -> str:
        """Free text the industry/keyword conditions look at."""
        return " ".join(x for x in (self.name, self.industry, self.chain, self.description) if x)


def _alias(v, table: dict[str, tuple[str, ...]]):
    """'民营企业' → '民营'; values already canonical, empty or unknown pass through (the Literal then names the choices)."""
    if not isinstance(v, str):
        return v
    v = v.strip()
    for canonical, words in table.items():
        if v == canonical or v in words:
            return canonical
    return v


def _number(v, parse, upper: float, too_big: str) -> float | None:
    """A figure given as a number or as Chinese text with a unit; negative and absurd values are refused."""
    if v is None or v == "":
        return None
    value = parse(v) if isinstance(v, str) else float(v)
    if value < 0:
        raise ValueError(f"不能为负数（{v}）")
    if value > upper:
        raise ValueError(too_big)
    return value


def load_profile(path: str | Path) -> ProjectProfile:
    return parse_profile(read_profile_data(path), str(path))


def read_profile_data(path: str | Path) -> dict:
    """The raw profile mapping of a JSON or YAML file; errors name the file and line."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AssistantError(f"{path}：无法读取项目信息文件（{exc}）") from exc
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except json.JSONDecodeError as exc:
        raise AssistantError(f"{path} 第 {exc.lineno} 行：JSON 格式错误（{exc.msg}）") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AssistantError(f"{path}{f' 第 {mark.line + 1} 行' if mark else ''}：YAML 格式错误（{getattr(exc, 'problem', exc)}）") from exc
    if not isinstance(data, dict):
        raise AssistantError(f"{path}：项目信息应为键值对（JSON 对象 / YAML 映射）")
    return data


def parse_profile(data: dict, source: str = "项目信息") -> ProjectProfile:
    try:
        return ProjectProfile(**data)
    except ValidationError as exc:
        raise AssistantError(f"{source} 有误：\n" + "\n".join(_explain(e) for e in exc.errors())) from exc
    except TypeError as exc:
        raise AssistantError(f"{source} 有误：{exc}") from exc


def _explain(err: dict) -> str:
    field = str(err["loc"][0]) if err.get("loc") else "?"
    label = LABELS.get(field, field)
    kind = err.get("type", "")
    msg = err.get("msg", "")
    if kind == "missing":
        msg = "必填"
    elif kind == "extra_forbidden":
        msg = "不认识的字段（请检查拼写）"
    elif kind == "literal_error":
        msg = f"取值应为 {err.get('ctx', {}).get('expected', '')}，当前为 {err.get('input')!r}"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    elif kind in ("float_parsing", "int_parsing", "bool_parsing", "date_from_datetime_parsing", "date_parsing"):
        msg = f"格式不对：{err.get('input')!r}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        msg = f"数值超出范围：{err.get('input')!r}"
    elif kind == "string_too_short":
        msg = "不能为空"
    return f"  - {label}（{field}）：{msg}"
