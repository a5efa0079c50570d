"""The word normaliser both databases' full-text indexes see (pure)."""

from matching.text import document, fts5_query, parse, stem, tsquery, words


def test_plurals_fold_and_compounds_join():
    assert [stem(w) for w in ["chromebooks", "libraries", "classes", "glass", "focus", "is"]] == \
        ["chromebook", "library", "class", "glass", "focus", "is"]
    assert words("1:1 Chromebooks, K-2 e-books & Wi-Fi sign-on") == ["onetoone", "chromebook", "k2", "ebook",
                                                                    "wifi", "signon"]
    assert document("Social-emotional learning") == "social emotional learning"


def test_hints_synonyms_and_hint_only_words():
    parsed = parse("K-2 phonics for 6th grade in Spanish")
    assert [t.word for t in parsed.terms] == ["phonic", "spanish"]
    assert parsed.hints == ["grade:K-2", "subject:ela", "grade:6-8", "language:es"]
    assert ("decoding",) in parsed.terms[0].alternatives


def test_typos_are_corrected_against_the_index_words_only_when_unknown():
    known = {"chromebook", "tutoring"}
    parsed = parse("chromboks tutorng", known=lambda w: any(k.startswith(w) for k in known),
                   vocabulary=lambda w: sorted(known))
    assert [t.word for t in parsed.terms] == ["chromebook", "tutoring"] and len(parsed.notes) == 2
    assert [t.word for t in parse("zzzzqqq", known=lambda w: False, vocabulary=lambda w: []).terms] == ["zzzzqqq"]


def test_queries_quote_every_word_and_agree_between_databases():
    parsed = parse('ela "NEAR( x:* | ) lms')
    fts, ts = fts5_query(parsed), tsquery(parsed)
    assert '"ela"' in fts and '"learning management"' in fts and "(learning <-> management)" in ts
    assert fts.count(" OR ") == ts.count(" | ")
    assert not any(c in fts.replace('"', "") for c in "():|") and "near" in fts


def test_huge_and_nul_input_is_bounded():
    parsed = parse("reading " * 100_000 + "\x00")
    assert len(parsed.terms) == 1
    assert len(parse(" ".join(f"word{i}x" for i in range(100))).terms) <= 12
