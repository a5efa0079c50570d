from core.exportcells import formula_safe, xlsx_text


def test_formula_starts_are_quoted_and_other_text_is_not():
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert formula_safe(text) == "'" + text
    for text in ("", "Alpha Unified", "1-2", "a=b", "'kept"):
        assert formula_safe(text) == text


def test_xlsx_text_drops_what_xml_cannot_carry():
    assert xlsx_text("a\x00b\x0bc\x1fd") == "abcd"
    assert xlsx_text("tab\tand\nnewline") == "tab\tand\nnewline"
    assert xlsx_text("\x01=cmd") == "'=cmd"
