"""Retrieval: the products whose words match a need, ranked by the database's full-text rank, with
every hard must-have filtered in the same query (and checked again on the row: exact).

PostgreSQL: `document @@ to_tsquery('simple', q)`, ranked by `ts_rank` (name words weigh A).
SQLite: `matching_fts MATCH q`, ranked by FTS5's `bm25` (name column weighs 4). Both see the same
normalised words (`matching.text`), so they match the same products; only the rank's scale
differs, and callers use it relative to the best candidate.

`candidates_split` serves `matching.selectors.match`: one query finds and ranks the matching rows,
marks each on an agreement in force or not (from the agreement terms copied onto the row, see
`matching.models.SearchDoc`), and keeps the best of each group (a window per group); a second
fetches the words and facts of those rows only. Before, two queries each ranked every match and
worked out the agreements in force from four joined tables (see bench/README.md "matching").
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Optional

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, FloatField, OuterRef, Q, QuerySet, Value
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


# PostgreSQL's planner, left alone, reads every row of the search table and tests the words on each
# (its cost model sees little difference from the GIN index, which has to visit most pages anyway),
# and for a need matching many products compiles the query with JIT first: both cost several times
# the query itself (EXPLAIN ANALYZE at 50,000 products, see bench/README.md "matching"). So the
# candidate query runs with the GIN index (and, for the few rows whose agreement terms leave a
# gap, the in-force probe through contracts_catalogentry's product index) and without JIT.
PLANNER = {"enable_seqscan": "off", "jit": "off"}


@contextmanager
def planner_settings(settings: dict[str, str]):
    """PostgreSQL planner settings for the queries inside the block only: set with
    `set_config(..., is_local => true)` in a transaction (a savepoint inside the caller's), and
    put back afterwards, since a released savepoint would otherwise keep them until the caller's
    transaction ends (an error rolls the savepoint back, which undoes them too). Nothing elsewhere."""
    if connection.vendor != "postgresql" or not settings:
        yield
        return
    names = list(settings)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
            before = cursor.fetchone()
            cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                           [x for name in names for x in (name, settings[name])])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                           [x for name, value in zip(names, before) for x in (name, value)])


def _matching(parsed: ParsedNeed, hard: list[str]) -> QuerySet:
    """Active search rows matching the words (any of them) and every hard must-have, with
    `text_rank` (0 for a need without words)."""
    qs = SearchDoc.objects.filter(active=True)
    for code in hard:
        qs = qs.filter(must_have_condition(code))
    if parsed.is_empty:
        return qs.annotate(text_rank=Value(0.0, output_field=FloatField()))
    return _text_filter(qs, parsed)


def _candidates_of(hard: list[str], ranked: list[tuple[int, float]]) -> list[Candidate]:
    """Candidates for (product id, rank) pairs in that order, with their words and facts; a row
    lacking a hard must-have is dropped (exact, whatever the database's JSON matching does: a
    product lacking a hard must-have never appears)."""
    rows = {row["product_id"]: row for row in SearchDoc.objects.filter(product_id__in=[pk for pk, _ in ranked])
            .values("product_id", "name_words", "body_words", *FACT_FIELDS)}
    found = []
    for pk, rank in ranked:
        row = rows.get(pk)
        if row is None:
            continue
        facts = facts_mapping(row)
        if musthaves.unmet(hard, facts):
            continue
        found.append(Candidate(product_id=pk, rank=float(rank or 0.0), facts=facts,
                               words=set((row["name_words"] + " " + row["body_words"]).split())))
    return found


def in_force(on_date: dt.date) -> Q:
    """The search row's product is on an agreement in force on `on_date` (what
    `contracts.selectors.catalog.products_in_force` says), from the terms copied onto the row; the
    member catalog's table is asked only for products whose terms leave a gap."""
    from contracts.selectors.catalog import products_in_force

    # Never NULL (rows on no agreement have no dates), so it parts rows in exactly two groups.
    return (Q(terms_split=False, terms_from__isnull=False, terms_until__isnull=False, terms_from__lte=on_date,
              terms_until__gte=on_date)
            | (Q(terms_split=True) & Q(Exists(products_in_force(on_date).filter(product_id=OuterRef("product_id"))))))


def candidates(parsed: ParsedNeed, hard: list[str], *, on_date: dt.date, on_agreement: Optional[bool] = None,
               limit: int = 300) -> list[Candidate]:
    """Active products matching the words (any of them; all products when there are none) and
    every hard must-have, best database rank first (then product id), at most `limit`;
    `on_agreement`: only those on an agreement in force on `on_date` (True) or only the others (False)."""
    qs = _matching(parsed, hard)
    if on_agreement is not None:
        qs = qs.filter(in_force(on_date) if on_agreement else ~in_force(on_date))
    ranked = list(qs.order_by("-text_rank", "product_id").values_list("product_id", "text_rank")[:limit])
    return _candidates_of(hard, ranked)


def candidates_split(parsed: ParsedNeed, hard: list[str], *, on_date: dt.date,
                     limit: int = 300) -> tuple[list[Candidate], list[Candidate]]:
    """(`candidates(on_agreement=True)`, `candidates(on_agreement=False)`) at once: the matching
    rows are found and ranked in one pass, each marked in force or not, and the best `limit` of
    each group kept (by rank, then product id: the same rows as the two calls). Then the words
    and facts of those rows only, in a second small query."""
    if parsed.is_empty:
        # Every row matches: two ordered, LIMITed scans beat marking every product.
        return (candidates(parsed, hard, on_date=on_date, on_agreement=True, limit=limit),
                candidates(parsed, hard, on_date=on_date, on_agreement=False, limit=limit))
    marked = (_matching(parsed, hard)
              .annotate(inside=ExpressionWrapper(in_force(on_date), output_field=BooleanField()))
              .values_list("product_id", "text_rank", "inside"))
    sql, params = marked.query.sql_with_params()
    # The window over the narrow marked rows (the ORM's own would repeat the mark in PARTITION BY).
    best = (f"SELECT product_id, text_rank, inside FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY inside "
            f"ORDER BY text_rank DESC, product_id) AS place FROM ({sql}) m) r WHERE place <= %s")
    with planner_settings(PLANNER), connection.cursor() as cursor:
        cursor.execute(best, [*params, limit])
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (-row[1], row[0]))
    found = {c.product_id: c for c in _candidates_of(hard, [(pk, rank) for pk, rank, _ in rows])}
    inside = [found[pk] for pk, _, is_inside in rows if is_inside and pk in found]
    outside = [found[pk] for pk, _, is_inside in rows if not is_inside and pk in found]
    return inside, outside


def word_known(word: str) -> bool:
    """Does the index hold a word starting with `word`?"""
    return SearchWord.objects.filter(word__startswith=word).exists()


def words_like(word: str, limit: int = 5000) -> list[str]:
    """Index words a misspelling of `word` could be: same first letter, similar length."""
    return [w for w in SearchWord.objects.filter(word__startswith=word[:1]).values_list("word", flat=True)[:limit]
            if abs(len(w) - len(word)) <= 2]
