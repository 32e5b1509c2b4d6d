"""A 述职报告 as the GB/T 9704 writer takes it: the stored draft with the secretary's text, or a composed draft
that was never stored. A paragraph the secretary typed with line breaks becomes several paragraphs of the document
(the first carries the lead); empty paragraphs (a secretary's section not written yet) are left out."""

from datetime import date
from urllib.parse import quote

from django.http import HttpResponse

from bianban.core.exceptions import DomainError
from bianban.reports.duty.draft import Draft
from bianban.reports.duty.selectors import SectionView, sections_of
from bianban.reports.gbt9704.document import DocParagraph, OfficialDocument
from bianban.reports.gbt9704.pdf import PdfConversionError, soffice_path
from bianban.reports.gbt9704.writer import docx_to_pdf, write_docx
from bianban.reports.models import DutyReport


def paragraphs(sections: list[SectionView]) -> tuple[DocParagraph, ...]:
    out: list[DocParagraph] = []
    for section in sections:
        if section.empty:
            continue
        lines = [line.strip() for line in section.text.split("\n") if line.strip()]
        out.append(DocParagraph(text=lines[0] if lines else "", lead=section.lead.strip(), level=section.level))
        # Continuation paragraphs are body text of the same block, whatever level its first line has.
        out.extend(DocParagraph(text=line) for line in lines[1:])
    return tuple(out)


def to_document(source: DutyReport | Draft) -> OfficialDocument:
    title, signature, dated = source.title, source.signature, source.dated
    return OfficialDocument(title=title, paragraphs=paragraphs(sections_of(source)), signature=signature,
                            dated=dated if isinstance(dated, date) else None)


def file_stem(branch_name: str, year: int) -> str:
    """The download's name without suffix, "…党支部2023年度述职报告", less characters a file system refuses."""
    stem = f"{branch_name}{year}年度述职报告"
    return "".join("_" if c in '\\/:*?"<>|' else c for c in stem)



DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


class PdfUnavailable(DomainError):
    """No PDF: LibreOffice is missing or failed. The .docx is always there, so this is not the caller's fault."""

    status = 503
    code = "pdf_unavailable"
    default_message = "服务器未安装 LibreOffice，无法生成PDF；请下载Word文档"


def docx_bytes(source: DutyReport | Draft) -> bytes:
    return write_docx(to_document(source))


def pdf_bytes(docx: bytes) -> bytes:
    """The PDF of a .docx through LibreOffice; PdfUnavailable where it is missing or fails."""
    try:
        data = docx_to_pdf(docx)
    except PdfConversionError as exc:
        raise PdfUnavailable(f"PDF转换失败（{str(exc)[:200]}）；请下载Word文档") from exc
    if data is None:
        raise PdfUnavailable()
    return data


def pdf_available() -> bool:
    """Whether a PDF can be offered (the button is hidden otherwise)."""
    return soffice_path() is not None


def attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A download with the Chinese file name in RFC 5987 form and an ASCII fallback for old clients."""
    response = HttpResponse(data, content_type=content_type)
    suffix = name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (f"attachment; filename=\"duty-report.{suffix}\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
