"""Bodies of the surveys API (`surveys.api`). Money is a string of dollars and cents."""

import datetime as dt
from typing import Literal, Optional

from ninja import Schema
from pydantic import ConfigDict, Field

from catalog.musthaves import MAX_MUST_HAVES
from core.api_types import Day, MoneyText, ShortText, UnitPrice, text, whole
from core.bounds import QUANTITY_MAX

Band = Literal["PK", "K-2", "3-5", "6-8", "9-12", "adult"]


class SurveyNeedOut(Schema):
    reference: str
    description: str
    category: str
    category_name: str
    kind: str
    grade_bands: list[str]
    unit: str


class SurveyOut(Schema):
    id: int
    title: str
    cycle: str
    description: str
    state: str
    state_label: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    needs: list[SurveyNeedOut]


class SurveyAnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    need: text(10, min_length=1)
    commitment: Literal["committed", "interested"]
    quantities: dict[Band, whole(0, QUANTITY_MAX)]
    needed_by: text(7, min_length=7) = Field(description="The month needed, YYYY-MM.")
    budget_min: Optional[UnitPrice] = None
    budget_max: Optional[UnitPrice] = None
    funding_source: Literal["general_fund", "title_iv_a", "e_rate", "state_grant", "other"]
    must_haves: list[text(40)] = Field(default_factory=list, max_length=MAX_MUST_HAVES)
    current_product: ShortText = ""
    current_price: Optional[UnitPrice] = None
    current_contract_end: Optional[Day] = None


class SurveyAnswersIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "submit": False, "answers": [{
            "need": "N1", "commitment": "committed", "quantities": {"K-2": 400, "3-5": 350},
            "needed_by": "2027-07", "budget_min": "250.00", "budget_max": "300.00",
            "funding_source": "general_fund", "must_haves": ["interop:google_sso"],
            "current_product": "Chromebook 11 (2021)", "current_price": "289.00",
            "current_contract_end": "2027-06-30"}]}]})

    answers: list[SurveyAnswerIn] = Field(max_length=50)
    submit: bool = False


class SurveyAnswerOut(Schema):
    need: str
    commitment: str
    quantities: dict[str, int]
    needed_by: str
    budget_min: Optional[MoneyText] = None
    budget_max: Optional[MoneyText] = None
    funding_source: str
    must_haves: list[str]
    current_product: str
    current_price: Optional[MoneyText] = None
    current_contract_end: Optional[dt.date] = None


class SurveyAnswersOut(Schema):
    survey_id: int
    district_id: int
    state: Literal["not_started", "draft", "submitted"]
    submitted_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None
    answers: list[SurveyAnswerOut]


class SurveyMustHaveOut(Schema):
    code: str
    label: str
    answers: int
    share_percent: str
    shared_by_most: bool


class SurveyNeedDemandOut(Schema):
    need: str
    description: str
    committed: dict[str, int]
    interested: dict[str, int]
    committed_total: int
    interested_total: int
    committed_districts: int
    interested_districts: int
    states: list[str]
    budget_median: Optional[MoneyText] = None
    budget_low: Optional[MoneyText] = None
    budget_high: Optional[MoneyText] = None
    must_haves: list[SurveyMustHaveOut]
    contract_ends_by_quarter: dict[str, int]


class SurveyStateRuleOut(Schema):
    state: str
    rule_id: str
    title: str
    citation: str
    kind: str


class SurveyDemandOut(Schema):
    survey_id: int
    respondents: int
    needs: list[SurveyNeedDemandOut]
    state_rules: list[SurveyStateRuleOut]
