"""Retrieval: the products whose words match a need, ranked by the database's full-text rank, with
every hard must-have filtered in the same query (and checked again on the row: exact).

PostgreSQL: `document @@ to_tsquery('simple', q)`, ranked by `ts_rank` (name words weigh A).
SQLite: `matching_fts MATCH q`, ranked by FTS5's `bm25` (name column weighs 4). Both see the same
normalised words (`matching.text`), so they match the same products; only the rank's scale
differs, and callers use it relative to the best candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from catalog import musthaves
from matching.models import SearchDoc, SearchWord
from matching.text import ParsedNeed, fts5_query, tsquery

FACT_FIELDS = ("kind", "grade_bands", "subjects", "languages", "interoperability", "accessibility",
               "essa_tier", "collects_student_data")


@dataclass
class Candidate:
    product_id: int
    rank: float
    facts: dict
    words: set[str]


def must_have_condition(code: str) -> Q:
    """The database condition for one must-have code, on the search table's copied facts."""
    facet, _, value = code.partition(":")
    if facet in ("grade", "subject", "language", "interop"):
        field = {"grade": "grade_bands", "subject": "subjects", "language": "languages",
                 "interop": "interoperability"}[facet]
        # JSON lists of codes, matched as quoted strings so "K-2" never matches "K-20".
        return Q(**{f"{field}__icontains": f'"{value}"'})
    if facet == "kind":
        return Q(kind=value)
    if facet == "a11y":
        return Q(accessibility=value)
    if facet == "essa":
        return Q(essa_tier__isnull=False, essa_tier__lte=int(value))
    if facet == "data":
        return Q(collects_student_data=False)
    return Q(pk__in=[])  # unknown codes are never met


def facts_mapping(row: dict) -> dict:
    """A search row's facts as `catalog.musthaves.met` reads them."""
    facts = {name: row[name] for name in FACT_FIELDS if name != "collects_student_data"}
    facts["data_collected"] = ["some"] if row["collects_student_data"] else []
    return facts


def _text_filter(qs: QuerySet, parsed: ParsedNeed) -> QuerySet:
    if connection.vendor == "postgresql":
        q = tsquery(parsed)
        return (qs.extra(where=["matching_searchdoc.document @@ to_tsquery('simple', %s)"], params=[q])
                .annotate(text_rank=RawSQL("ts_rank(matching_searchdoc.document, to_tsquery('simple', %s))",
                                           [q], output_field=FloatField())))
    q = fts5_query(parsed)
    return (qs.extra(where=["matching_searchdoc.product_id IN (SELECT rowid FROM matching_fts "
                            "WHERE matching_fts MATCH %s)"], params=[q])
            .annotate(text_rank=RawSQL("(SELECT -bm25(matching_fts, 4.0, 1.0) FROM matching_fts "
                                       "WHERE matching_fts MATCH %s AND matching_fts.rowid = "
                                       "matching_searchdoc.product_id)", [q], output_field=FloatField())))


def candidates(parsed: ParsedNeed, hard: list[str], *, within: Optional[QuerySet] = None,
               outside: Optional[QuerySet] = None, limit: int = 300) -> list[Candidate]:
    """Active products matching the words (any of them; all products when there are none) and
    every hard must-have, best database rank first (then product id), at most `limit`.
    `within` / `outside`: a queryset of product ids to keep to / to leave out."""
    qs = SearchDoc.objects.filter(active=True)
    for code in hard:
        qs = qs.filter(must_have_condition(code))
    if within is not None:
        qs = qs.filter(product_id__in=within)
    if outside is not None:
        qs = qs.exclude(product_id__in=outside)
    if parsed.is_empty:
        qs = qs.annotate(text_rank=Value(0.0, output_field=FloatField()))
    else:
        qs = _text_filter(qs, parsed)
    rows = qs.order_by("-text_rank", "product_id").values(
        "product_id", "text_rank", "name_words", "body_words", *FACT_FIELDS)[:limit]
    found = []
    for row in rows:
        facts = facts_mapping(row)
        # Exact, whatever the database's JSON matching does: a product lacking a hard must-have
        # never appears.
        if musthaves.unmet(hard, facts):
            continue
        found.append(Candidate(product_id=row["product_id"], rank=float(row["text_rank"] or 0.0),
                               facts=facts, words=set((row["name_words"] + " " + row["body_words"]).split())))
    return found


def word_known(word: str) -> bool:
    """Does the index hold a word starting with `word`?"""
    return SearchWord.objects.filter(word__startswith=word).exists()


def words_like(word: str, limit: int = 5000) -> list[str]:
    """Index words a misspelling of `word` could be: same first letter, similar length."""
    return [w for w in SearchWord.objects.filter(word__startswith=word[:1]).values_list("word", flat=True)[:limit]
            if abs(len(w) - len(word)) <= 2]
