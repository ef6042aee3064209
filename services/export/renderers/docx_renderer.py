"""DOCX export, streamed: a title page for the batch, then one section per file (fields, recognised text)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from services.export.document import ExportDoc, display, rows
from services.export.renderers.markup import xml_text
from services.export.renderers.zipstream import ZipStream

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION = "docx"
PAGES = False  # the recognised pages are not shown

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""


def _style(style_id: str, name: str, size_half_points: int, bold: bool) -> str:
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
        f'<w:pPr><w:spacing w:before="240" w:after="120"/></w:pPr><w:rPr>{"<w:b/>" if bold else ""}'
        f'<w:sz w:val="{size_half_points}"/></w:rPr></w:style>'
    )


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    '<w:rPr><w:sz w:val="21"/></w:rPr></w:style>'
    + _style("Title", "Title", 48, True)
    + _style("Heading1", "heading 1", 32, True)
    + _style("Heading2", "heading 2", 24, True)
    # the recognised text keeps its printed rows' columns (services/worker/row_text.py): a fixed-width font, no gaps
    + '<w:style w:type="paragraph" w:styleId="RecognisedText"><w:name w:val="Recognised text"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
    '<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:sz w:val="18"/></w:rPr>'
    "</w:style>" + "</w:styles>"
)


def paragraph(text: str, style: str = "", page_break: bool = False) -> str:
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if page_break:
        props += "<w:pageBreakBefore/>"
    if _RTL.search(text):
        props += "<w:bidi/>"
    return (
        f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}"
        f'<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'
    )


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    z = ZipStream()
    yield z.add("[Content_Types].xml", CONTENT_TYPES)
    yield z.add("_rels/.rels", ROOT_RELS)
    yield z.add("word/_rels/document.xml.rels", DOCUMENT_RELS)
    yield z.add("word/styles.xml", STYLES)
    yield z.begin("word/document.xml")
    title = [paragraph(doc.title, "Title")]
    if doc.batch is not None:
        b = doc.batch
        title += [
            paragraph(f"Batch {b.id}"),
            paragraph(f"{b.completed_files} completed, {b.failed_files} failed of {b.total_files} files"),
        ]
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
    yield z.write((head + "".join(title)).encode(), flush=True)
    first = doc.batch is None  # a batch gets a title page; a single record starts right away
    async for row in rows(doc):
        parts = [paragraph(row.file_name, "Heading1", page_break=not first), paragraph(f"Status: {row.status}")]
        first = False
        fields = [name for name in doc.fields if name in row.values]
        if fields:
            parts.append(paragraph("Fields", "Heading2"))
            parts += [paragraph(f"{name}: {display(row.values[name])}") for name in fields]
        parts.append(paragraph("Recognised text", "Heading2"))
        parts += [paragraph(line, "RecognisedText") for line in row.text.split("\n")]
        yield z.write("".join(parts).encode(), flush=True)
    yield z.write(b"<w:sectPr/></w:body></w:document>") + z.end() + z.close()
