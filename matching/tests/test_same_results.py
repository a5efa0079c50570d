"""The same results on SQLite (FTS5) and PostgreSQL (tsvector): this test runs on whichever
database is configured (the CI runs the suite on both), with the expected results written down;
the postgres-marked copy insists on PostgreSQL (skipped on a laptop without it, failed under
CI=true)."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import require_or_skip
from matching.selectors import match
from matching.spec import need_spec
from matching.tests.test_match import product

CORPUS = [
    ("Bright Phonics", "Systematic phonics and decoding for early readers.", "reading", ["K-2"]),
    ("Letter Lab", "Phonemic awareness and letter sounds, kindergarten to grade 2.", "reading", ["K-2"]),
    ("Fluency Coach", "Oral reading fluency practice with a reading tutor.", "reading", ["3-5"]),
    ("Comprehension Coach", "Reading comprehension intervention for MTSS tier 2.", "reading", ["3-5", "6-8"]),
    ("Algebra Quest", "Adaptive algebra and geometry practice.", "math", ["6-8", "9-12"]),
    ("Math Garden", "Number sense and fact fluency for K-5.", "math", ["K-2", "3-5"]),
    ("Math Recovery", "Math intervention for students below grade level.", "math", ["3-5", "6-8"]),
    ("Acer Chromebook 311", "Rugged 11-inch Chromebook for 1:1 programs.", "chromebooks", ["K-2", "3-5", "6-8"]),
    ("Flip Chromebook 14", "Convertible touchscreen Chromebook for secondary students.", "chromebooks", ["9-12"]),
    ("Campus LMS", "Learning management system with LTI 1.3 and a gradebook.", "lms", ["9-12"]),
    ("SEL Circles", "Social-emotional learning lessons and wellbeing check-ins.", "sel", ["K-2", "3-5"]),
    ("High-Dosage Tutoring", "Small-group tutoring in math and reading three times a week.", "tutoring", ["6-8"]),
    ("Web Filter", "CIPA content filtering for Chromebooks with self-harm alerts.", "safety", ["9-12"]),
    ("eBook Library", "Digital library of e-books and audiobooks.", "library", ["K-2", "3-5", "6-8", "9-12"]),
]

# need -> (the best result, every product shown)
EXPECTED = {
    "K-2 phonics": ("Bright Phonics", {"Bright Phonics"}),
    "reading intervention": ("Comprehension Coach", {"Comprehension Coach"}),
    "1:1 chromebooks": ("Acer Chromebook 311", {"Acer Chromebook 311", "Flip Chromebook 14", "Web Filter"}),
    "math": ("Math Recovery", {"Math Garden", "Math Recovery", "Algebra Quest", "High-Dosage Tutoring"}),
    "LMS": ("Campus LMS", {"Campus LMS"}),
    "SEL": ("SEL Circles", {"SEL Circles"}),
    "ebooks": ("eBook Library", {"eBook Library"}),
    "tutorng": ("High-Dosage Tutoring", {"High-Dosage Tutoring", "Fluency Coach"}),
    "chromebok filter": ("Web Filter", {"Web Filter"}),
}


@pytest.fixture
def corpus(cast):
    return {name: product(cast.vendor_a, name, description, category=category, grade_bands=grades)
            for name, description, category, grades in CORPUS}


def results_of(text: str):
    outcome = match(need_spec(text=text), limit=50, explain=False)
    names = [r.product.name for r in outcome.results]
    return (names[0] if names else None), set(names)


def test_expected_results_on_this_database(corpus):
    got = {text: results_of(text) for text in EXPECTED}
    assert got == EXPECTED, f"on {connection.vendor}"


@pytest.mark.postgres
def test_expected_results_on_postgresql(corpus):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")
    got = {text: results_of(text) for text in EXPECTED}
    assert got == EXPECTED
