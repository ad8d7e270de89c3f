"""One-line text for mail subjects, stored text without control characters, text a DOCX or an
XLSX can hold, and document symbols."""

import pytest

from common.text import clean_text, is_document_symbol, one_line, xml_text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Đối thoại\nvề đất đai", None, "Đối thoại về đất đai"),
        ("a\r\nb\rc\u2028d\u2029e\x85f\tg\x0bh\x0ci", None, "a b c d e f g h i"),
        ("  x \x00 y\u202e  ", None, "x y"),
        ("Quá hạn: " + "đ" * 300, 20, "Quá hạn: " + "đ" * 10 + "…"),
        (None, 10, ""),
    ],
)
def test_one_line_has_no_line_break_nor_control_character_and_respects_the_limit(text, limit, expected):
    line = one_line(text, limit)
    assert line == expected
    assert limit is None or len(line) <= limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dòng 1\x0bDòng 2", "Dòng 1\nDòng 2"),  # Word's manual line break, pasted
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\x00b\x07c\x1bd\x7fe\x9ff", "abcdef"),
        ("Tab\tstays\nand so do lines", "Tab\tstays\nand so do lines"),
        ("😀 e\u0301 \u202eabc", "😀 e\u0301 \u202eabc"),
    ],
)
def test_clean_text_keeps_tabs_and_line_feeds_and_drops_other_control_characters(text, expected):
    assert clean_text(text) == expected


def test_xml_text_drops_what_a_docx_or_xlsx_cannot_hold():
    from docx import Document

    text = xml_text("a\x00b\x01c\x0bd\ufffee\udc80f")
    Document().add_paragraph(text)  # would raise on a control character
    assert text == "abc\ndef"


@pytest.mark.parametrize("symbol", ["TB/TU", "TB-UBND", "TB/ĐU", "TB-VPUBND", "TB/BCSĐ", "12-TB/HU", "TB"])
def test_document_symbols_of_both_formats_are_valid(symbol):
    assert is_document_symbol(symbol)


@pytest.mark.parametrize(
    "symbol",
    [
        "",
        "x\";filename*=utf-8''evil.hta;a=\"",
        "TB/TU\r\nX-Header: 1",
        "TB//TU",
        "-TB",
        "TB/",
        "TB TU",
        "TB_TU",
        "TB.TU",
        "TB/中文",
        "TB/٣",
        "TB\x00",
        "../TB",
    ],
)
def test_anything_else_is_not_a_document_symbol(symbol):
    assert not is_document_symbol(symbol)
