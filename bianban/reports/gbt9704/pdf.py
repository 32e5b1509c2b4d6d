"""A .docx as a PDF through LibreOffice (`soffice --headless --convert-to pdf`) where it is installed.

Each conversion runs in its own temporary directory with its own LibreOffice profile (-env:UserInstallation), so
conversions in parallel do not fight over the lock of a shared profile and nothing is left behind in $HOME.
Fonts come through `fonts.conf`, which maps the GB/T 9704 font names to Noto CJK where the official fonts are
missing (see the file)."""

import io
import math
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

FONTS_CONF = Path(__file__).with_name("fonts.conf")
TIMEOUT_S = 120  # a first start with a fresh profile takes a few seconds; a hung soffice must not hold a worker


class PdfConversionError(RuntimeError):
    """LibreOffice is installed but did not produce a PDF."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: float = TIMEOUT_S) -> bytes | None:
    """The PDF of the .docx `data`; None when LibreOffice is not installed. Raises PdfConversionError when it is
    installed but fails or runs past `timeout` seconds."""
    soffice = soffice_path()
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bianban-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(_for_libreoffice(data))
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTS_CONF),
            "HOME": str(work),  # LibreOffice writes caches under $HOME even with a private profile
        }
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nodefault",
            "--nolockcheck",
            "--nologo",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        # soffice is a script that starts soffice.bin: its own process group lets a timeout kill both.
        process = subprocess.Popen(
            command, env=env, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionError(f"LibreOffice did not finish within {timeout:g} s") from None
        result = work / "document.pdf"
        if process.returncode != 0 or not result.exists():
            message = output.decode(errors="replace").strip()[-500:]
            raise PdfConversionError(f"LibreOffice exited with {process.returncode}: {message}")
        return result.read_bytes()


def _for_libreoffice(data: bytes) -> bytes:
    """The .docx with its character grid turned into the equivalent character spacing.

    Word squeezes each character into the grid's cell (GB/T 9704's 28 per line: 15.79 pt cells for 16 pt
    characters); LibreOffice 7.4 instead gives a character wider than a cell two cells, i.e. 14 per line. So here
    the grid keeps its lines (22 per page) and loses its characters, and every run is condensed by the amount
    w:charSpace takes off the pitch (1/4096 pt, rounded down to whole 1/20 pt: -842 → -0.25 pt), which puts 28
    characters on a line in LibreOffice as well. A document without a condensed character grid passes unchanged."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        document = etree.fromstring(source.read("word/document.xml"))
        styles = etree.fromstring(source.read("word/styles.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return data  # not ours to fix; LibreOffice says what is wrong with it
    grids = [g for g in document.iter(f"{W}docGrid") if g.get(f"{W}type") == "linesAndChars"]
    char_space = min((int(g.get(f"{W}charSpace", "0")) for g in grids), default=0)
    run_defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    if char_space >= 0 or run_defaults is None:
        return data
    for grid in grids:
        grid.set(f"{W}type", "lines")
        grid.attrib.pop(f"{W}charSpace", None)
    for old in run_defaults.findall(f"{W}spacing"):
        run_defaults.remove(old)
    spacing = etree.Element(f"{W}spacing")
    spacing.set(f"{W}val", str(math.floor(char_space * 20 / 4096)))
    # w:spacing comes before w:w, w:kern, w:position and w:sz in CT_RPr.
    later = [run_defaults.find(f"{W}{tag}") for tag in ("w", "kern", "position", "sz", "szCs", "lang")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(spacing)
    else:
        run_defaults.append(spacing)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                target.writestr(item, etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True))
            elif item.filename == "word/styles.xml":
                target.writestr(item, etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True))
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()
