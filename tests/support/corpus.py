"""A generated corpus of invoices and receipts with ground truth: four languages, three layouts,
three fonts, clean renders and rotated noisy scans. Deterministic: the same documents every run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from tests.support.documents import jpeg_bytes, png_bytes, scanned

FONTS = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf")
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio"],
}
INVOICE_LABELS = {
    "en": ("INVOICE", "Invoice No", "Invoice Date", "Vendor", "Total", ("Description", "Qty", "Unit price")),
    "fr": (
        "FACTURE",
        "Facture N°",
        "Date de facture",
        "Fournisseur",
        "Total TTC",
        ("Désignation", "Qté", "Prix unitaire"),
    ),
    "de": (
        "RECHNUNG",
        "Rechnungsnummer",
        "Rechnungsdatum",
        "Lieferant",
        "Gesamtbetrag",
        ("Beschreibung", "Menge", "Einzelpreis"),
    ),
    "es": (
        "FACTURA",
        "Número de factura",
        "Fecha",
        "Proveedor",
        "Total a pagar",
        ("Descripción", "Cantidad", "Precio unitario"),
    ),
}
RECEIPT_LABELS = {
    "en": ("RECEIPT", "Store", "Date", "Total", "Payment", ("Item", "Qty", "Price")),
    "fr": ("TICKET DE CAISSE", "Magasin", "Date", "Total TTC", "Paiement", ("Article", "Qté", "Prix")),
    "de": ("KASSENBON", "Geschäft", "Datum", "Summe", "Zahlungsart", ("Artikel", "Menge", "Preis")),
    "es": ("RECIBO", "Tienda", "Fecha", "Total a pagar", "Pago", ("Artículo", "Cant", "Precio")),
}
VENDORS = ["Acme Corp", "Müller & Söhne GmbH", "Société Générale d'Études", "Ibérica Logística S.L.", "Nordlicht Café"]
ITEMS = [
    "Consulting services",
    "Réparation matériel",
    "Wartungsvertrag",
    "Diseño gráfico",
    "Office chairs",
    "Câble réseau",
]
PAYMENTS = {"en": "Credit card", "fr": "Carte bancaire", "de": "Bargeld", "es": "Tarjeta"}


@dataclass
class CorpusDocument:
    name: str
    template: str
    language: str
    scanned: bool
    data: bytes
    mime: str
    truth: dict[str, Any]
    text_lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)


def money(value: float, language: str) -> str:
    whole, cents = f"{value:,.2f}".split(".")
    if language == "en":
        return f"{whole}.{cents}"
    if language == "fr":
        return f"{whole.replace(',', ' ')},{cents}"
    return f"{whole.replace(',', '.')},{cents}"  # de, es


def written_date(day: int, month: int, language: str, style: int) -> str:
    if language == "en":
        return f"{MONTHS['en'][month - 1]} {day}, 2026" if style % 2 else f"{day:02d}/{month:02d}/2026"
    if language == "fr":
        return f"{day} {MONTHS['fr'][month - 1]} 2026" if style % 2 else f"{day:02d}/{month:02d}/2026"
    if language == "de":
        return f"{day}. {MONTHS['de'][month - 1]} 2026" if style % 2 else f"{day:02d}.{month:02d}.2026"
    return f"{day:02d}/{month:02d}/2026"


def _font(index: int, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONTS[index % len(FONTS)], size)
    except OSError:
        return ImageFont.load_default(size=size)


def _render(rows: list[list[tuple[int, str]]], font_index: int, width: int = 1240) -> Image.Image:
    """Rows of (x, text) cells at 20 to 26 px (10 to 13 pt at 150 dpi)."""
    size = 20 + 2 * (font_index % 4)
    img = Image.new("RGB", (width, 80 + len(rows) * int(size * 2.0)), "white")
    draw = ImageDraw.Draw(img)
    y = 50
    for row in rows:
        for x, text in row:
            draw.text((x, y), text, fill="black", font=_font(font_index, size + (8 if y == 50 else 0)))
        y += int(size * 2.0)
    return img


def _label_rows(label: str, value: str, layout: int) -> list[list[tuple[int, str]]]:
    if layout == 0:
        return [[(60, f"{label}: {value}")]]
    if layout == 1:
        return [[(60, f"{label}:"), (560, value)]]
    return [[(60, label)], [(60, value)]]


def invoice(index: int, language: str, layout: int, scan: bool, rng: random.Random) -> CorpusDocument:
    title, l_number, l_date, l_vendor, l_total, headers = INVOICE_LABELS[language]
    number = f"INV-2026-{index:04d}"
    day, month = rng.randint(1, 28), rng.randint(1, 6)
    vendor = VENDORS[index % len(VENDORS)]
    items = [
        (ITEMS[(index + k) % len(ITEMS)], rng.randint(1, 5), round(rng.uniform(20, 1500), 2))
        for k in range(1 + index % 3)
    ]
    total = round(sum(q * p for _, q, p in items), 2)
    rows: list[list[tuple[int, str]]] = [[(60, title)]]
    rows += _label_rows(l_number, number, layout)
    rows += _label_rows(l_date, written_date(day, month, language, index), layout)
    rows += _label_rows(l_vendor, vendor, layout)
    rows.append([(60, headers[0]), (700, headers[1]), (900, headers[2])])
    rows += [[(60, d), (700, str(q)), (900, money(p, language))] for d, q, p in items]
    rows += _label_rows(l_total, f"{money(total, language)} EUR", layout)
    img = _render(rows, index)
    truth = {
        "invoiceNumber": number,
        "invoiceDate": f"2026-{month:02d}-{day:02d}",
        "vendor": vendor,
        "totalAmount": total,
        "lineItems": [{"description": d, "quantity": q, "unitPrice": p} for d, q, p in items],
    }
    return _document(f"invoice-{index:02d}-{language}", "invoice", language, scan, img, truth, rows, index)


def receipt(index: int, language: str, scan: bool, rng: random.Random) -> CorpusDocument:
    title, l_store, l_date, l_total, l_payment, headers = RECEIPT_LABELS[language]
    merchant = VENDORS[(index + 2) % len(VENDORS)]
    day, month = rng.randint(1, 28), rng.randint(1, 6)
    items = [(ITEMS[(index + k) % len(ITEMS)], rng.randint(1, 3), round(rng.uniform(1, 80), 2)) for k in range(2)]
    total = round(sum(q * p for _, q, p in items), 2)
    rows: list[list[tuple[int, str]]] = [[(60, title)]]
    rows += _label_rows(l_store, merchant, 0)
    rows += _label_rows(l_date, written_date(day, month, language, 0), 0)
    rows.append([(60, headers[0]), (700, headers[1]), (900, headers[2])])
    rows += [[(60, d), (700, str(q)), (900, money(p, language))] for d, q, p in items]
    rows += _label_rows(l_total, money(total, language), 0)
    rows += _label_rows(l_payment, PAYMENTS[language], 0)
    img = _render(rows, index, width=1100)
    truth = {
        "merchant": merchant,
        "date": f"2026-{month:02d}-{day:02d}",
        "total": total,
        "paymentMethod": PAYMENTS[language],
        "items": [{"description": d, "quantity": q, "price": p} for d, q, p in items],
    }
    return _document(f"receipt-{index:02d}-{language}", "receipt", language, scan, img, truth, rows, index)


def _document(name, template, language, scan, img, truth, rows, index) -> CorpusDocument:  # noqa: ANN001
    lines = [" ".join(text for _, text in row) for row in rows]
    if scan:
        # a poor office scan: tilted 2-6°, heavy sensor noise, strong JPEG compression
        tilted = scanned(img, angle=(2.0 + index % 5) * (-1) ** index, noise=20.0 + index % 4 * 5, seed=index)
        data = jpeg_bytes(tilted, quality=45)
        return CorpusDocument(f"{name}-scan.jpg", template, language, True, data, "image/jpeg", truth, lines)
    return CorpusDocument(f"{name}.png", template, language, False, png_bytes(img), "image/png", truth, lines)


def build_corpus() -> list[CorpusDocument]:
    """24 invoices (4 languages × 3 layouts × clean/scan) and 8 receipts (4 languages × clean/scan)."""
    rng = random.Random(2026)
    docs = []
    index = 0
    for language in ("en", "fr", "de", "es"):
        for layout in range(3):
            for scan in (False, True):
                index += 1
                docs.append(invoice(index, language, layout, scan, rng))
        for scan in (False, True):
            index += 1
            docs.append(receipt(index, language, scan, rng))
    return docs


def same_value(expected: Any, got: Any) -> bool:
    """Field comparison used for accuracy: numbers to the cent, text ignoring case and spacing."""
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(same_value, expected, got))
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(same_value(v, got.get(k)) for k, v in expected.items())
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(got, int | float) and abs(float(got) - float(expected)) < 0.005
    if got is None:
        return False
    return " ".join(str(expected).lower().split()) == " ".join(str(got).lower().split())
