"""Template rules shared by the batch service (validation, built-ins) and the workers (which execute them)."""

from __future__ import annotations

import re

from ocrbatch.v1 import templates_pb2

FIELD_TYPES = ("string", "number", "money", "date")
RESULT_FORMATS = ("json", "csv", "text", "xml", "html", "pdf", "docx", "xlsx")
MAX_FIELDS = 100
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class TemplateError(ValueError):
    """A template that cannot be used; the message names the offending field."""


def _check_type(where: str, value: str) -> None:
    if value and value not in FIELD_TYPES:
        raise TemplateError(f"{where}: type must be one of {', '.join(FIELD_TYPES)}, not {value!r}")


def validate(template: templates_pb2.Template) -> templates_pb2.Template:
    """Checks a template and fills defaults; raises TemplateError naming the first problem."""
    if not template.name.strip():
        raise TemplateError("name: is required")
    if len(template.name) > 120:
        raise TemplateError("name: at most 120 characters")
    if not template.result_format:
        template.result_format = "json"
    if template.result_format not in RESULT_FORMATS:
        raise TemplateError(f"resultFormat: must be one of {', '.join(RESULT_FORMATS)}")
    if not template.fields and not template.key_values:
        raise TemplateError("fields: at least one field is required")
    if len(template.fields) > MAX_FIELDS:
        raise TemplateError(f"fields: at most {MAX_FIELDS}")
    seen: set[str] = set()
    for index, field in enumerate(template.fields):
        where = f"fields[{index}]"
        if not _NAME.match(field.name):
            raise TemplateError(f"{where}.name: letters, digits and _ only, starting with a letter ({field.name!r})")
        if field.name in seen:
            raise TemplateError(f"{where}.name: {field.name!r} is used twice")
        seen.add(field.name)
        where = f"fields[{index}] ({field.name})"
        kind = field.rule.WhichOneof("kind")
        if kind is None:
            raise TemplateError(f"{where}.rule: one of regex, label or table is required")
        if kind == "table":
            _check_table(where, field.rule.table)
            continue
        if not field.type:
            field.type = "string"
        _check_type(where, field.type)
        if kind == "regex":
            try:
                pattern = re.compile(field.rule.regex.pattern)
            except re.error as exc:
                raise TemplateError(f"{where}.rule.regex.pattern: not a valid regular expression ({exc})") from None
            if pattern.groups < 1:
                raise TemplateError(f"{where}.rule.regex.pattern: needs a capture group for the value")
        elif not [label for label in field.rule.label.labels if label.strip()]:
            raise TemplateError(f"{where}.rule.label.labels: at least one label is required")
    return template


def _check_table(where: str, table: templates_pb2.TableRule) -> None:
    if not table.columns:
        raise TemplateError(f"{where}.rule.table.columns: at least one column is required")
    names: set[str] = set()
    for index, column in enumerate(table.columns):
        at = f"{where}.rule.table.columns[{index}]"
        if not _NAME.match(column.name) or column.name in names:
            raise TemplateError(f"{at}.name: a unique name of letters, digits and _ is required")
        names.add(column.name)
        if not [h for h in column.headers if h.strip()]:
            raise TemplateError(f"{at}.headers: at least one header label is required")
        _check_type(at, column.type)


def _label(name: str, kind: str, *labels: str) -> templates_pb2.TemplateField:
    return templates_pb2.TemplateField(
        name=name, type=kind, rule=templates_pb2.FieldRule(label=templates_pb2.LabelRule(labels=list(labels)))
    )


def _table(name: str, stops: list[str], *columns: tuple[str, str, list[str]]) -> templates_pb2.TemplateField:
    return templates_pb2.TemplateField(
        name=name,
        rule=templates_pb2.FieldRule(
            table=templates_pb2.TableRule(
                columns=[templates_pb2.TableColumn(name=n, type=t, headers=h) for n, t, h in columns],
                stop_labels=stops,
            )
        ),
    )


TOTAL_STOPS = ["Total", "Subtotal", "Sub-total", "Tax", "VAT", "TVA", "MwSt", "IVA", "Gesamt", "Amount due"]

BUILTIN_TEMPLATES: dict[str, templates_pb2.Template] = {
    "invoice": templates_pb2.Template(
        id="invoice",
        name="Invoice",
        description="Invoice number, date, vendor, total and line items (English, French, German, Spanish labels)",
        result_format="json",
        builtin=True,
        fields=[
            _label(
                "invoiceNumber",
                "string",
                "Invoice No",
                "Invoice Number",
                "Invoice #",
                "Facture N°",
                "Facture No",
                "Rechnungsnummer",
                "Rechnung Nr",
                "Factura N°",
                "Número de factura",
            ),
            _label(
                "invoiceDate",
                "date",
                "Invoice Date",
                "Date",
                "Date de facture",
                "Rechnungsdatum",
                "Datum",
                "Fecha",
                "Fecha de factura",
            ),
            _label("vendor", "string", "Vendor", "Supplier", "From", "Fournisseur", "Lieferant", "Proveedor"),
            _label(
                "totalAmount",
                "money",
                "Total",
                "Total Amount",
                "Amount Due",
                "Total TTC",
                "Gesamtbetrag",
                "Gesamt",
                "Total a pagar",
                "Importe total",
            ),
            _table(
                "lineItems",
                TOTAL_STOPS,
                ("description", "string", ["Description", "Item", "Désignation", "Beschreibung", "Descripción"]),
                ("quantity", "number", ["Qty", "Quantity", "Qté", "Quantité", "Menge", "Cantidad"]),
                ("unitPrice", "money", ["Unit price", "Price", "Prix unitaire", "Einzelpreis", "Precio unitario"]),
            ),
        ],
    ),
    "receipt": templates_pb2.Template(
        id="receipt",
        name="Receipt",
        description="Merchant, date, total, payment method and items of a till receipt",
        result_format="json",
        builtin=True,
        fields=[
            _label("merchant", "string", "Store", "Merchant", "Shop", "Magasin", "Geschäft", "Tienda"),
            _label("date", "date", "Date", "Datum", "Fecha"),
            _label("total", "money", "Total", "Total TTC", "Summe", "Gesamt", "Total a pagar"),
            _label("paymentMethod", "string", "Payment", "Paid by", "Paiement", "Zahlungsart", "Pago"),
            _table(
                "items",
                TOTAL_STOPS + ["Summe"],
                ("description", "string", ["Item", "Article", "Artikel", "Artículo"]),
                ("quantity", "number", ["Qty", "Qté", "Menge", "Cant"]),
                ("price", "money", ["Price", "Prix", "Preis", "Precio"]),
            ),
        ],
    ),
    "generic": templates_pb2.Template(
        id="generic",
        name="Generic",
        description="The full text plus every `key: value` pair found on the page",
        result_format="json",
        builtin=True,
        key_values=True,
    ),
}
