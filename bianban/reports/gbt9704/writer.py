"""An `OfficialDocument` as a .docx in the layout of GB/T 9704-2012 《党政机关公文格式》 (domain.md §8), and that
.docx as a PDF through LibreOffice when it is installed.

Only the parts of the standard a report without a 版头 needs: page, 版心 and grid, 标题, 主送机关, 正文 with its four
heading levels, 署名 and 成文日期 without a seal, and 页码. Fonts are named, not embedded: Word or WPS on the user's
machine picks its own 仿宋_GB2312 etc.; `fonts.conf` maps the names to Noto CJK for LibreOffice on a server.
"""

import copy
import functools
import io
import math
import re
import unicodedata
from datetime import UTC, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from bianban.reports.gbt9704.document import DocParagraph, OfficialDocument
from bianban.reports.gbt9704.pdf import docx_to_pdf

__all__ = ["docx_to_pdf", "write_docx"]

# The usual font names on Chinese office machines (domain.md §8 notes: the standard says 小标宋体, 仿宋体, 楷体, 黑体,
# 宋体). Word matches rFonts by name, so these exact names make a machine with the official fonts use them.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"

# Half-points, as w:sz takes them. 2号 = 22 pt (标题), 3号 = 16 pt (everything else), 4号 = 14 pt (页码).
SIZE_TITLE = 44
SIZE_BODY = 32
SIZE_PAGE_NUMBER = 28

# GB/T 9704 §7.3.3: 一、 黑体, （一） 楷体, 1. and （1） 仿宋; level 0 is the body.
HEADING_FONTS = {0: FANGSONG, 1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}


def _mm(mm: float) -> int:
    return round(mm * 1440 / 25.4)  # twips


# §8: A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, hence bottom 35 mm and right 26 mm.
PAGE_WIDTH, PAGE_HEIGHT = _mm(210), _mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = _mm(37), _mm(35), _mm(28), _mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# 22 lines fill the 225 mm 版心: 225 mm = 12756 twips, / 22 = 579.8, i.e. ≈ 28.99 pt. Rounded *down* to 579 twips
# (28.95 pt): with 580, 22 × 580 = 12760 > 12756 and Word would put only 21 lines on a page. The same value serves as
# the grid's line pitch and as every paragraph's fixed ("exact") line spacing, so headings and the title stay on the
# grid too.
LINE_PITCH = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) // LINES_PER_PAGE
# 28 characters across the 156 mm 版心: w:charSpace is what is added to the default font's pitch (16 pt), in 1/4096
# pt. 156 mm / 28 = 15.79 pt, so ≈ -841.1; rounded down (-842) so that 28 characters do fit.
CHAR_SPACE = math.floor(((PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / CHARS_PER_LINE / 20 - SIZE_BODY / 2) * 4096)
BODY_CHAR = SIZE_BODY * 10  # one 3号 character in twips (16 pt = 320 twips); indents are counted in these
# 页码: "一字线上距版心下边缘7mm". Word's footer distance is page bottom → footer bottom; the dash sits mid-line, so
# the footer's line (exact, 18 pt) is centred 7 mm below the 版心: 35 mm - 7 mm - 9 pt ≈ 24.8 mm.
FOOTER_LINE = 360
FOOTER_DISTANCE = MARGIN_BOTTOM - _mm(7) - FOOTER_LINE // 2
PAGE_NUMBER_CHAR = SIZE_PAGE_NUMBER * 10  # "单页码居右空一字，双页码居左空一字": one 4号 character

# Characters XML 1.0 cannot carry; lxml refuses them, so they are dropped rather than failing the whole document.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes.

    Each `DocParagraph` is one paragraph: its `lead` in the font of its level, its `text` after it in 仿宋. A level-1
    heading stands alone (GB/T 9704 §7.3.3), so its text, if any, follows as a body paragraph. A line break inside
    a text starts a new paragraph, since every paragraph of a 公文 is indented; a line break in the title is kept
    (long titles are broken by hand into a trapezoid)."""
    for paragraph in doc.paragraphs:
        if paragraph.level not in HEADING_FONTS:
            raise ValueError(f"unknown heading level {paragraph.level}")
    docx = Document()
    _set_up_package(docx, doc)
    _set_up_section(docx)
    _write_footers(docx)

    title = "\n".join(_lines(doc.title))
    _add(docx, [(title, XIAOBIAOSONG, SIZE_TITLE)], align="center", snap=False, mark=(XIAOBIAOSONG, SIZE_TITLE))
    _add(docx, [])  # 主送机关 or 正文 starts one line below the title
    if addressee := _clean(doc.addressee).strip():
        _add(docx, [(addressee, FANGSONG, SIZE_BODY)], align="left")
    for paragraph in doc.paragraphs:
        _write_paragraph(docx, paragraph)
    _write_closing(docx, _clean(doc.signature).strip(), _date_text(doc))

    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _write_paragraph(docx: DocxDocument, paragraph: DocParagraph) -> None:
    lead, chunks = " ".join(_lines(paragraph.lead)), _lines(paragraph.text)
    font = HEADING_FONTS[paragraph.level]
    if lead and (paragraph.level == 1 or not chunks):
        # A heading on a line of its own ("一、" always, §7.3.3); its outline level lists it in Word's navigation pane.
        outline = paragraph.level - 1 if paragraph.level else None
        _add(docx, [(lead, font, SIZE_BODY)], first_line=2, outline=outline)
        lead = ""
    for i, chunk in enumerate(chunks):
        runs = [(lead, font, SIZE_BODY)] if i == 0 and lead else []
        _add(docx, [*runs, (chunk, FANGSONG, SIZE_BODY)], first_line=2)


def _write_closing(docx: DocxDocument, signature: str, dated: str) -> None:
    """署名 and 成文日期 without a seal (§8): one line below the body, the 署名 right-indented 2 characters and the
    date on the next line starting 2 characters to the right of the 署名's start; when the date is too long for
    that, the 署名 moves left so that the date ends 2 characters from the right."""
    if not signature and not dated:
        return
    _add(docx, [])
    if not signature:
        _add(docx, [(dated, FANGSONG, SIZE_BODY)], align="right", right=2)
        return
    signature_width, date_width = _width(signature), _width(dated)
    signature_right = max(2.0, date_width + 4 - signature_width) if dated else 2.0
    _add(docx, [(signature, FANGSONG, SIZE_BODY)], align="right", right=signature_right)
    if dated:
        date_right = signature_right + signature_width - 2 - date_width
        _add(docx, [(dated, FANGSONG, SIZE_BODY)], align="right", right=date_right)


def _date_text(doc: OfficialDocument) -> str:
    # §8: Arabic numerals, the year in full, no leading zeros.
    return f"{doc.dated.year}年{doc.dated.month}月{doc.dated.day}日" if doc.dated else ""


def _width(text: str) -> float:
    """Width in 3号 characters: a Chinese (full-width) character takes one, a 半角 digit or letter half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text or "")


def _lines(text: str) -> list[str]:
    # Leading spaces (a hand-typed "　　" indent) would double the paragraph's own first-line indent.
    return [line.strip() for line in _clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


# --- paragraphs and runs -------------------------------------------------------------------------------------------


def _add(
    docx: DocxDocument,
    runs: list[tuple[str, str, int]],
    *,
    align: str = "both",
    first_line: float = 0,
    right: float = 0,
    snap: bool = True,
    outline: int | None = None,
    mark: tuple[str, int] = (FANGSONG, SIZE_BODY),
) -> Paragraph:
    """A paragraph of `runs` (text, font, half-points) on the fixed line pitch. Indents are in 3号 characters and are
    written both as twips and as Word's "characters" (…Chars, in hundredths), which is how Word itself writes a
    "首行缩进 2 字符" and what WPS shows back to the user."""
    paragraph = docx.add_paragraph()
    ppr = OxmlElement("w:pPr")
    if not snap:
        ppr.append(_on_off("w:snapToGrid", False))
    ppr.append(_line_spacing(LINE_PITCH))
    if first_line or right:
        ind = OxmlElement("w:ind")
        if right:
            ind.set(qn("w:right"), str(round(right * BODY_CHAR)))
            ind.set(qn("w:rightChars"), str(round(right * 100)))
        if first_line:
            ind.set(qn("w:firstLine"), str(round(first_line * BODY_CHAR)))
            ind.set(qn("w:firstLineChars"), str(round(first_line * 100)))
        ppr.append(ind)
    ppr.append(_val("w:jc", align))
    if outline is not None:
        ppr.append(_val("w:outlineLvl", str(outline)))
    ppr.append(_rpr(*mark, snap=snap))  # the paragraph mark: sizes an empty line like a body line
    paragraph._p.insert(0, ppr)
    for text, font, size in runs:
        if text:
            _add_run(paragraph, text, font, size, snap=snap)
    return paragraph


def _add_run(paragraph: Paragraph, text: str, font: str, size: int, *, snap: bool = True) -> None:
    run = paragraph.add_run(text)
    run._r.insert(0, _rpr(font, size, snap=snap))


def _rpr(font: str, size: int, *, snap: bool = True) -> BaseOxmlElement:
    """Run properties naming `font` for every script (ascii, hAnsi, eastAsia, cs) so that digits, Latin letters and
    the Chinese punctuation Word counts as ambiguous (“”—…) all take it; black; never bold (the standard has none)."""
    return copy.deepcopy(_rpr_template(font, size, snap))


@functools.cache
def _rpr_template(font: str, size: int, snap: bool) -> BaseOxmlElement:
    rpr = OxmlElement("w:rPr")
    rpr.append(_fonts(font))
    if not snap:
        rpr.append(_on_off("w:snapToGrid", False))
    rpr.append(_val("w:color", "000000"))
    rpr.append(_val("w:sz", str(size)))
    rpr.append(_val("w:szCs", str(size)))
    return rpr


def _fonts(font: str) -> BaseOxmlElement:
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    fonts.set(qn("w:hint"), "eastAsia")
    return fonts


def _line_spacing(twips: int) -> BaseOxmlElement:
    spacing = OxmlElement("w:spacing")
    for attribute, value in (("w:before", "0"), ("w:after", "0"), ("w:line", str(twips)), ("w:lineRule", "exact")):
        spacing.set(qn(attribute), value)
    return spacing


def _val(tag: str, value: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def _on_off(tag: str, value: bool) -> BaseOxmlElement:
    return _val(tag, "1" if value else "0")


# --- page, footers, package ----------------------------------------------------------------------------------------


def _set_up_section(docx: DocxDocument) -> None:
    section = docx.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.header_distance = Twips(_mm(15))  # there is no header; anything inside the 37 mm top margin
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _write_footers(docx: DocxDocument) -> None:
    """The page number, "— 1 —" in 4号宋体 from a PAGE field: odd pages at the right, even pages at the left, each
    one character in. Different odd and even footers need w:evenAndOddHeaders in the settings."""
    docx.settings.odd_and_even_pages_header_footer = True
    section = docx.sections[0]
    for footer, align, cached in ((section.footer, "right", "1"), (section.even_page_footer, "left", "2")):
        paragraph = footer.paragraphs[0]
        ppr = paragraph._p.get_or_add_pPr()
        for child in list(ppr):
            if child.tag != qn("w:pStyle"):
                ppr.remove(child)
        ppr.append(_on_off("w:snapToGrid", False))
        ppr.append(_line_spacing(FOOTER_LINE))
        ind = OxmlElement("w:ind")
        ind.set(qn("w:right" if align == "right" else "w:left"), str(PAGE_NUMBER_CHAR))
        ppr.append(ind)
        ppr.append(_val("w:jc", align))
        ppr.append(_rpr(SONGTI, SIZE_PAGE_NUMBER, snap=False))
        _add_run(paragraph, "— ", SONGTI, SIZE_PAGE_NUMBER, snap=False)
        for piece in ("begin", " PAGE ", "separate", cached, "end"):
            run = paragraph.add_run()
            run._r.append(_rpr(SONGTI, SIZE_PAGE_NUMBER, snap=False))
            if piece in ("begin", "separate", "end"):
                run._r.append(_val_attr("w:fldChar", "w:fldCharType", piece))
            elif piece == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = piece
                run._r.append(instr)
            else:
                run._r.append(_text(piece))
        _add_run(paragraph, " —", SONGTI, SIZE_PAGE_NUMBER, snap=False)


def _val_attr(tag: str, attribute: str, value: str) -> BaseOxmlElement:
    element = OxmlElement(tag)
    element.set(qn(attribute), value)
    return element


def _text(value: str) -> BaseOxmlElement:
    t = OxmlElement("w:t")
    t.text = value
    return t


def _set_up_package(docx: DocxDocument, doc: OfficialDocument) -> None:
    """Defaults and styles in the body font (so text a user adds in Word is 3号仿宋 too), the font table, the
    document's properties; python-docx's template traces (theme fonts, Japanese theme language, its description,
    a thumbnail of its blank page) removed."""
    styles = docx.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    defaults = styles.find(qn("w:docDefaults"))
    defaults.clear()
    rpr_default = OxmlElement("w:rPrDefault")
    rpr = _rpr(FANGSONG, SIZE_BODY)
    lang = OxmlElement("w:lang")
    for attribute, value in (("w:val", "en-US"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")):
        lang.set(qn(attribute), value)
    rpr.append(lang)
    rpr_default.append(rpr)
    ppr_default = OxmlElement("w:pPrDefault")
    ppr = OxmlElement("w:pPr")
    ppr.append(_on_off("w:widowControl", False))  # a widow line would leave the grid's last line empty
    ppr.append(_line_spacing(LINE_PITCH))
    ppr.append(_val("w:jc", "both"))
    ppr_default.append(ppr)
    defaults.extend([rpr_default, ppr_default])
    # The same in Normal itself: LibreOffice takes the grid's base character width (to which w:charSpace is added)
    # from the Normal style's East Asian size, not from the defaults, and falls back to 12 pt.
    normal = docx.styles["Normal"].element
    for old in normal.findall(qn("w:rPr")):
        normal.remove(old)
    normal.append(_rpr(FANGSONG, SIZE_BODY))

    theme_lang = docx.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    _write_font_table(docx)
    package = docx.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]

    props = docx.core_properties
    props.title = " ".join(_lines(doc.title))
    props.author = props.last_modified_by = _clean(doc.signature).strip()
    props.comments = ""  # python-docx's template says "generated by python-docx"
    props.language = "zh-CN"
    props.revision = 1
    # The 成文日期 is when the document was made as far as its reader is concerned; it also keeps the output of one
    # input the same from run to run.
    created = datetime.combine(doc.dated, time()) if doc.dated else datetime.now(UTC).replace(tzinfo=None)
    props.created = props.modified = created


# Font-table entries as Word writes them for these fonts: charset 86 (GB2312) tells Word/WPS on a machine without the
# font to substitute a Chinese one; altName offers the name Windows ships (仿宋, 楷体) for the _GB2312 ones.
_FONT_TABLE = (  # name, altName, family, pitch
    (XIAOBIAOSONG, "", "auto", "variable"),
    (FANGSONG, "仿宋", "modern", "fixed"),
    (KAITI, "楷体", "modern", "fixed"),
    (HEITI, "SimHei", "modern", "fixed"),
    (SONGTI, "SimSun", "auto", "variable"),
)


def _write_font_table(docx: DocxDocument) -> None:
    part = docx.part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(part.blob)
    for name, alt_name, family, pitch in _FONT_TABLE:
        entry = OxmlElement("w:font")
        entry.set(qn("w:name"), name)
        if alt_name:
            entry.append(_val("w:altName", alt_name))
        entry.append(_val("w:charset", "86"))
        entry.append(_val("w:family", family))
        entry.append(_val("w:pitch", pitch))
        fonts.append(entry)
    # python-docx keeps the font table as an opaque part with no API to change it; its blob is what gets saved.
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)
