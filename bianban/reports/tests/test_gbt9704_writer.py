"""The .docx in the GB/T 9704 layout (domain.md §8), read back with python-docx and as raw XML."""

import io
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from bianban.reports.gbt9704.document import DocParagraph, OfficialDocument
from bianban.reports.gbt9704.writer import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONTS = {"方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"}

REPORT = OfficialDocument(
    title="编办党支部书记抓基层党建工作述职报告",
    paragraphs=(
        DocParagraph(text="今年以来，在区委、区政府的正确领导下，编办党支部认真学习贯彻党的二十大精神。"),
        DocParagraph(lead="一、工作总结、成绩和经验", level=1),
        DocParagraph(
            lead="（一）抓实支部工作，切实履行党建工作职责。",
            text="结合今年主题教育，6次跟进学习，开展12次专题研讨。",
            level=2,
        ),
        DocParagraph(lead="1.", text="走访群众10户18人。", level=3),
        DocParagraph(lead="（1）", text="开展谈话4人次。", level=4),
        DocParagraph(lead="二、存在的突出问题", level=1),
        DocParagraph(text="一是理论学习不够深入。"),
    ),
    signature="编办党支部",
    dated=date(2023, 12, 25),
)


def read(doc: OfficialDocument = REPORT):
    return Document(io.BytesIO(write_docx(doc)))


def xml(doc: OfficialDocument, part: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(write_docx(doc))) as package:
        return etree.fromstring(package.read(part))


def footer_parts(doc: OfficialDocument = REPORT) -> list[etree._Element]:
    with zipfile.ZipFile(io.BytesIO(write_docx(doc))) as package:
        return [etree.fromstring(package.read(n)) for n in package.namelist() if n.startswith("word/footer")]


def body_paragraphs(docx):
    return [p for p in docx.paragraphs if p.text]


def paragraph_with(docx, text: str):
    return next(p for p in docx.paragraphs if text in p.text)


def fonts_of(run) -> dict[str, str]:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return {name: fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "eastAsia", "cs")}


def test_it_sets_a4_and_the_margins_of_the_standard():
    section = read().sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    for margin, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(getattr(section, f"{margin}_margin") - Mm(mm)) < Mm(0.05), margin
    assert section.gutter == 0


def test_it_lays_22_lines_of_28_characters_on_the_grid():
    section = read().sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch, char_space = int(grid.get(qn("w:linePitch"))), int(grid.get(qn("w:charSpace")))
    text_height = (section.page_height - section.top_margin - section.bottom_margin) / 635  # EMU -> twips
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635
    assert 22 * pitch <= text_height < 23 * pitch  # exactly 22 lines fit the 版心
    char_pitch = (16 + char_space / 4096) * 20  # twips: 3号 plus the grid's adjustment
    assert 28 * char_pitch <= text_width < 29 * char_pitch
    assert pitch == 579  # 28.95 pt, the "≈ 28.9 pt" fixed line spacing


def test_every_paragraph_has_the_fixed_line_spacing_of_the_grid():
    docx = read()
    for paragraph in docx.paragraphs:
        assert paragraph.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert paragraph.paragraph_format.line_spacing == Twips(579)
        assert paragraph.paragraph_format.space_before == 0 and paragraph.paragraph_format.space_after == 0


def test_every_run_names_its_font_for_every_script_and_is_black():
    runs = xml(REPORT, "word/document.xml").iter(f"{W}r")
    runs = [*runs, *(r for footer in footer_parts() for r in footer.iter(f"{W}r"))]
    assert len(runs) > 10
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, etree.tostring(run, encoding="unicode")
        names = {fonts.get(f"{W}{attribute}") for attribute in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert len(names) == 1 and names <= FONTS
        assert run.find(f"{W}rPr/{W}color").get(f"{W}val") == "000000"
        assert run.find(f"{W}rPr/{W}sz") is not None


def test_the_defaults_and_normal_are_3hao_fangsong_without_theme_fonts():
    styles = xml(REPORT, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert defaults.find(f"{W}rFonts").get(f"{W}ascii") == "仿宋_GB2312"
    assert defaults.find(f"{W}sz").get(f"{W}val") == "32"
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    normal = read().styles["Normal"]
    assert normal.font.name == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert not [f for f in styles.iter(f"{W}rFonts") if f.get(f"{W}eastAsiaTheme") or f.get(f"{W}asciiTheme")]


def test_the_title_is_2hao_xiaobiaosong_centred_and_not_indented():
    title = read().paragraphs[0]
    assert title.text == "编办党支部书记抓基层党建工作述职报告"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not title.paragraph_format.first_line_indent
    (run,) = title.runs
    assert run.font.size == Pt(22)
    assert set(fonts_of(run).values()) == {"方正小标宋简体"}


def test_a_long_title_keeps_the_line_breaks_it_was_given():
    docx = read(OfficialDocument(title="关于某某区机构编制工作\n情况的报告", paragraphs=()))
    assert docx.paragraphs[0].text == "关于某某区机构编制工作\n情况的报告"
    assert docx.core_properties.title == "关于某某区机构编制工作 情况的报告"


def test_the_body_is_3hao_fangsong_indented_two_characters():
    paragraph = paragraph_with(read(), "今年以来")
    assert paragraph.paragraph_format.first_line_indent == Pt(32)
    assert paragraph.paragraph_format.first_line_indent == Twips(640)
    assert paragraph._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    for run in paragraph.runs:
        assert run.font.size == Pt(16)
        assert set(fonts_of(run).values()) == {"仿宋_GB2312"}


@pytest.mark.parametrize(
    ("text", "lead", "lead_font"),
    [
        ("一、工作总结、成绩和经验", "一、工作总结、成绩和经验", "黑体"),
        ("（一）抓实支部工作", "（一）抓实支部工作，切实履行党建工作职责。", "楷体_GB2312"),
        ("1.走访群众", "1.", "仿宋_GB2312"),
        ("（1）开展谈话", "（1）", "仿宋_GB2312"),
    ],
)
def test_each_heading_level_has_its_font_and_the_rest_is_fangsong(text, lead, lead_font):
    paragraph = paragraph_with(read(), text)
    first, *rest = paragraph.runs
    assert first.text == lead
    assert set(fonts_of(first).values()) == {lead_font}
    assert all(set(fonts_of(run).values()) == {"仿宋_GB2312"} for run in rest)
    assert all(run.font.size == Pt(16) for run in paragraph.runs)
    assert paragraph.paragraph_format.first_line_indent == Pt(32)


def test_a_level_1_heading_stands_alone_and_is_in_the_outline():
    doc = OfficialDocument(title="标题", paragraphs=(DocParagraph(lead="一、总结", text="正文在下一段。", level=1),))
    docx = read(doc)
    heading, body = body_paragraphs(docx)[1:3]
    assert (heading.text, body.text) == ("一、总结", "正文在下一段。")
    assert heading._p.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    assert set(fonts_of(body.runs[0]).values()) == {"仿宋_GB2312"}


def test_nothing_is_bold():
    docx = read()
    assert all(not run.bold for paragraph in docx.paragraphs for run in paragraph.runs)
    parts = [xml(REPORT, "word/document.xml"), *footer_parts()]
    assert not [b for part in parts for tag in ("b", "bCs") for b in part.iter(f"{W}{tag}")]
    assert not docx.styles["Normal"].font.bold


def test_odd_and_even_footers_carry_a_page_field_right_and_left():
    docx = read()
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, "left")):
        (paragraph,) = footer.paragraphs
        assert paragraph.text in ("— 1 —", "— 2 —")  # the field's cached value between the dashes
        p = paragraph._p
        assert [c.get(qn("w:fldCharType")) for c in p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert [i.text.strip() for i in p.iter(qn("w:instrText"))] == ["PAGE"]
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert set(fonts_of(run).values()) == {"宋体"}
        if alignment == "left":
            assert paragraph.alignment == WD_ALIGN_PARAGRAPH.LEFT
            assert paragraph.paragraph_format.left_indent == Pt(14)  # one 4号 character
        else:
            assert paragraph.alignment == alignment
            assert paragraph.paragraph_format.right_indent == Pt(14)


def test_the_page_number_sits_about_7_mm_below_the_text_block():
    section = read().sections[0]
    # footer distance + half the 18 pt footer line = where the dashes are; the 版心 ends 35 mm from the bottom
    dash = section.footer_distance + Pt(9)
    assert abs((section.bottom_margin - dash) - Mm(7)) < Mm(0.1)


def test_the_signature_and_date_close_the_document_without_a_seal():
    docx = read()
    *_, blank, signature, dated = docx.paragraphs
    assert blank.text == ""
    assert (signature.text, dated.text) == ("编办党支部", "2023年12月25日")
    assert signature.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The date (7 characters wide) is longer than the 署名 (5) less 2: the date ends 2 characters from the right and
    # starts 2 characters right of the 署名's start, which therefore sits 6 characters in.
    assert dated.paragraph_format.right_indent == Pt(32)
    assert signature.paragraph_format.right_indent == Pt(6 * 16)


def test_a_long_signature_is_right_indented_2_and_the_date_moves_2_further_right():
    doc = OfficialDocument(
        title="标题", paragraphs=(), signature="中共某某区委机构编制委员会办公室", dated=date(2024, 7, 1)
    )
    *_, signature, dated = read(doc).paragraphs
    assert dated.text == "2024年7月1日"  # no leading zeros
    assert signature.paragraph_format.right_indent == Pt(2 * 16)
    # 署名 16 characters, starting 18 from the right; the date (6 wide: 4 half-width digits) starts 2 further right
    assert dated.paragraph_format.right_indent == Pt((18 - 2 - 6) * 16)


def test_the_addressee_follows_the_title_flush_left():
    docx = read(
        OfficialDocument(title="关于……的报告", paragraphs=(DocParagraph(text="正文。"),), addressee="区委编办：")
    )
    _, blank, addressee, body = docx.paragraphs[:4]
    assert (blank.text, addressee.text, body.text) == ("", "区委编办：", "正文。")
    assert addressee.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert not addressee.paragraph_format.first_line_indent


def test_special_characters_survive():
    text = 'A&B <标签> "引号" ‘单引号’ “双引号”——破折号……《文件》（括号）、；：！？ R&D 2023年'
    docx = read(OfficialDocument(title="关于“三会一课”&<测试>", paragraphs=(DocParagraph(text=text),)))
    assert docx.paragraphs[0].text == "关于“三会一课”&<测试>"
    assert paragraph_with(docx, "A&B").text == text


def test_it_drops_characters_xml_cannot_carry_and_splits_lines_into_paragraphs():
    text = "第一段\x00有控制符\x0b。\r\n　　第二段手工缩进。\n\n第三段。"
    docx = read(OfficialDocument(title="标题\x07", paragraphs=(DocParagraph(text=text),)))
    assert [p.text for p in body_paragraphs(docx)] == ["标题", "第一段有控制符。", "第二段手工缩进。", "第三段。"]
    assert all(p.paragraph_format.first_line_indent == Pt(32) for p in body_paragraphs(docx)[1:])


def test_a_long_document_of_many_pages_is_written_whole():
    paragraph = DocParagraph(
        text="认真落实“村村到、户户进、人人访”集中走访工作要求，逐条梳理，积极帮助群众协调解决实际问题。" * 4
    )
    doc = OfficialDocument(title="标题", paragraphs=(paragraph,) * 120, signature="编办党支部", dated=date(2023, 1, 5))
    docx = read(doc)
    # 120 paragraphs of ~7 lines each: some 38 pages of 22 lines
    assert len(body_paragraphs(docx)) == 1 + 120 + 2
    assert docx.paragraphs[-1].text == "2023年1月5日"


def test_it_sets_the_document_properties():
    properties = read().core_properties
    assert properties.title == "编办党支部书记抓基层党建工作述职报告"
    assert properties.author == properties.last_modified_by == "编办党支部"
    assert properties.created.replace(tzinfo=None) == datetime(2023, 12, 25)  # the 成文日期
    assert properties.language == "zh-CN"
    assert "python-docx" not in (properties.comments or "")


def test_the_font_table_offers_chinese_substitutes_and_no_font_is_embedded():
    data = write_docx(REPORT)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        table = etree.fromstring(package.read("word/fontTable.xml"))
    fonts = {f.get(f"{W}name"): f for f in table.iter(f"{W}font")}
    assert fonts.keys() >= FONTS
    assert all(fonts[name].find(f"{W}charset").get(f"{W}val") == "86" for name in FONTS)
    assert fonts["仿宋_GB2312"].find(f"{W}altName").get(f"{W}val") == "仿宋"
    assert not [n for n in names if n.startswith("word/fonts/") or "thumbnail" in n]
    assert not list(table.iter(f"{W}embedRegular"))


def test_it_refuses_an_unknown_heading_level():
    with pytest.raises(ValueError, match="level 5"):
        write_docx(OfficialDocument(title="标题", paragraphs=(DocParagraph(lead="一", level=5),)))
