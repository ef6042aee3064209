"""The words receipts and invoices print, per language: labels of the amounts, dates and numbers, greetings a shop
names itself in, header words that are no shop's name, month and weekday names, and legal-entity forms.

Shared by the built-in templates (services/common/labels.py builds their label lists from here), the value parsers
(month names) and the locale reader (which language a page's labels are in). Words any receipt or invoice in that
language uses; nothing here names a shop, a chain, a vendor or a document.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Letters that do not decompose into a base letter and an accent, but that OCR and people write as one
# ("zł" as "zl", "MAYIS" as "mayis"); "ς" is σ at the end of a word, one letter to match on.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ς": "σ"})


def fold(text: str) -> str:
    """Lower case without accents: the form labels and month names are compared in ("Zapłaty" → "zaplaty")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().translate(_LETTERS)


@dataclass(frozen=True)
class Language:
    """One language's receipt and invoice vocabulary, as printed (with its accents)."""

    code: str  # ISO 639-1
    total: tuple[str, ...]  # the total, the amount due
    subtotal: tuple[str, ...]  # amounts before tax or before the total's other lines
    tax: tuple[str, ...]
    cash: tuple[str, ...]  # what was handed over, or the card it was paid with
    change: tuple[str, ...]
    rounding: tuple[str, ...]
    discount: tuple[str, ...]
    not_amounts: tuple[str, ...]  # quantities and item counts, printed like amounts
    date: tuple[str, ...]  # the document's own date
    date_excluded: tuple[str, ...]  # other dates: due, delivery, order, expiry
    invoice_number: tuple[str, ...]
    invoice_number_excluded: tuple[str, ...]  # other numbers: order, customer, account, page, tax ids
    greetings: tuple[str, ...]  # words, then "{name}" where a shop names itself: "Welcome to {name}"
    header_noise: tuple[str, ...]  # words of header lines that are not a shop's name
    months: dict[str, int] = field(default_factory=dict)  # folded names and abbreviations → 1..12
    weekdays: tuple[str, ...] = ()  # folded names and abbreviations


def _l(text: str) -> tuple[str, ...]:
    """Labels written one string apart by "|", so each language reads as a block."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def _months(text: str) -> dict[str, int]:
    """Twelve groups apart by "|", each the month's printed forms apart by spaces."""
    groups = text.split("|")
    assert len(groups) == 12, text
    return {fold(form): number for number, group in enumerate(groups, 1) for form in group.split()}


def _days(text: str) -> tuple[str, ...]:
    return tuple(fold(form) for form in text.split())


EN = Language(
    code="en",
    total=_l(
        "Total|Grand Total|Total Amount|Nett Total|Net Total|Total Due|Amount Due|Balance Due|Total Payable|"
        "Amount Payable|Total to Pay|Rounded Total|Total (incl GST)|Total incl GST|Total Inclusive GST|"
        "Total Sales Inclusive GST|Total Amount Payable|Total incl VAT|Order Total|Invoice Total"
    ),
    subtotal=_l(
        "Subtotal|Sub Total|Sub-Total|Total Excl|Total Excluding|Total Exclusive|Total Excl GST|Excluding GST|"
        "Excl GST|Exclusive GST|Excluding Tax|Amount Excl|Net Amount|Total Net|Total excl VAT"
    ),
    tax=_l(
        "Tax|Taxes|GST|VAT|SST|Service Tax|Service Charge|Total GST|Total Tax|Tax Total|GST Total|GST Amount|"
        "Tax Amount|Sales Tax|VAT Amount|Total VAT|HST|PST"
    ),
    cash=_l(
        "Cash|Credit|Cash Received|Cash Tendered|Tendered|Amount Tendered|Paid|Amount Paid|Payment|Visa|Mastercard|"
        "Credit Card|Debit Card|Card|Amex|American Express|Contactless"
    ),
    change=_l("Change|Change Due|Cash Change"),
    rounding=_l("Rounding|Rounding Adj|Rounding Adjustment|Round Adj"),
    discount=_l("Discount|Disc|Savings|Total Discount|You Saved"),
    not_amounts=_l("Qty|Total Qty|Total Quantity|Total Items|Item Count|No of Items|Quantity|Number of Items"),
    date=_l("Date|Invoice Date|Issue date|Date of issue|Receipt Date|Transaction Date|Date/Time"),
    date_excluded=_l(
        "Due date|Due|Payment due|Expiry|Expiry date|Exp date|Valid until|Delivery date|Order date|Ship date"
    ),
    invoice_number=_l("Invoice No|Invoice Number|Invoice #|Invoice|Inv No|Bill No|Invoice reference|Invoice ref"),
    invoice_number_excluded=_l(
        "Order No|PO Number|PO #|Customer No|Client No|Account No|Page|Order Number|Customer ID|Account Number|"
        "Booking No|Reservation No|Contract No|Delivery Note|Purchase Order"
    ),
    greetings=_l(
        "Welcome to {name}|Thank you for shopping at {name}|Thank you for shopping with {name}|"
        "Thank you for visiting {name}|Thanks for visiting {name}|Thank you for choosing {name}|"
        "Thank you for dining at {name}|Thank you for dining with {name}"
    ),
    header_noise=_l(
        "table|guest|guests|cover|covers|order|check|guest check|cashier|server|host|survey|receipt|copy|"
        "customer copy|merchant copy|duplicate|reprint|terminal|register|till|station|store no|store #|staff|"
        "operator|dine in|take away|takeaway|your guest number is|tax invoice|invoice"
    ),
    months=_months(
        "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|september sep sept|"
        "october oct|november nov|december dec"
    ),
    weekdays=_days("monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat sunday"),
)

FR = Language(
    code="fr",
    total=_l("Total|Total TTC|Montant TTC|Net à payer|Montant à payer|Total à payer|Montant total"),
    subtotal=_l("Sous-total|Sous total|Total HT|Montant HT|Base HT|Total hors taxes"),
    tax=_l("TVA|Montant TVA|Total TVA|TPS|TVQ|Taxe"),
    cash=_l("Espèces|Carte|Carte bancaire|CB|Payé|Réglé|Paiement|Chèque"),
    change=_l("Rendu|Monnaie|Rendu monnaie|À rendre"),
    rounding=_l("Arrondi"),
    discount=_l("Remise|Réduction|Rabais"),
    not_amounts=_l("Quantité|Qté|Nombre d'articles|Nb articles"),
    date=_l("Date|Date de facture|Date de la facture|Date facture|Date d'émission"),
    date_excluded=_l(
        "Date d'échéance|Échéance|Date limite|Date de livraison|A régler avant|Réglement avant le|"
        "Date de commande|Valable jusqu'au"
    ),
    invoice_number=_l(
        "Facture N°|Facture No|N° Facture|Facture #|Numéro de facture|Référence de la facture|Référence facture|"
        "N° de facture|Facture"
    ),
    invoice_number_excluded=_l(
        "N° BC|BC #|Bon de commande|Code client|ID client|N° d'affaire|N° de compte|N° de commande|N° client|"
        "Numéro client|Réservation|Contrat|Bon de livraison|SIRET|SIREN"
    ),
    greetings=_l(
        "Bienvenue chez {name}|Bienvenue à {name}|Merci de votre visite chez {name}|Merci de votre visite à {name}|"
        "Merci d'avoir choisi {name}|Merci pour votre achat chez {name}"
    ),
    header_noise=_l(
        "table|couverts|couvert|caisse|caissier|caissière|serveur|serveuse|hôte|ticket|ticket de caisse|reçu|"
        "facture|addition|copie|duplicata|commande|terminal|vendeur|client"
    ),
    months=_months(
        "janvier janv|février févr fév|mars|avril avr|mai|juin|juillet juil|août aou|septembre|octobre|novembre|"
        "décembre déc"
    ),
    weekdays=_days("lundi lun mardi mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim"),
)

DE = Language(
    code="de",
    total=_l("Summe|Gesamt|Gesamtbetrag|Gesamtsumme|Endbetrag|Endsumme|Rechnungsbetrag|Zu zahlen|Zahlbetrag|Total"),
    subtotal=_l("Zwischensumme|Nettobetrag|Netto|Summe netto|Nettosumme|Gesamt netto"),
    tax=_l("MwSt|USt|Mehrwertsteuer|Umsatzsteuer|MwSt-Betrag|Steuerbetrag"),
    cash=_l(
        "Bar|Gegeben|Bargeld|EC|EC-Cash|EC-Karte|Electronic Cash|Girocard|Karte|Kartenzahlung|Kreditkarte|Bezahlt|"
        "Zahlung"
    ),
    change=_l("Rückgeld|Zurück|Wechselgeld"),
    rounding=_l("Rundung"),
    discount=_l("Rabatt|Nachlass|Ermäßigung|Preisvorteil|Sie sparen"),
    not_amounts=_l("Menge|Anzahl|Stück|Stk|Anzahl Artikel|Artikelanzahl|Posten"),
    date=_l("Datum|Rechnungsdatum|Ausstellungsdatum|Belegdatum"),
    date_excluded=_l(
        "Fälligkeitsdatum|Fällig|Fällig am|Zahlbar bis|Lieferdatum|Leistungsdatum|Bestelldatum|Gültig bis"
    ),
    invoice_number=_l("Rechnungsnummer|Rechnung Nr|Rechnungs-Nr|Rechnungsnr|Rechnung|Belegnummer|Beleg-Nr"),
    invoice_number_excluded=_l(
        "Kundennummer|Kunden-Nr|Kundennr|Bestellnummer|Bestell-Nr|Auftragsnummer|Auftrags-Nr|Lieferschein|"
        "Lieferscheinnummer|Vertragsnummer|Buchungsnummer|Seite|Steuernummer|USt-IdNr"
    ),
    greetings=_l(
        "Willkommen bei {name}|Herzlich willkommen bei {name}|Vielen Dank für Ihren Einkauf bei {name}|"
        "Vielen Dank für Ihren Besuch bei {name}|Danke für Ihren Einkauf bei {name}|"
        "Vielen Dank für Ihren Einkauf im {name}"
    ),
    header_noise=_l(
        "Tisch|Gast|Gäste|Bestellung|Kasse|Kassierer|Kassiererin|Bediener|Bedienung|Beleg|Bon|Kassenbon|Quittung|"
        "Rechnung|Kopie|Terminal|Filiale|Es bediente Sie|Kundenbeleg|Händlerbeleg"
    ),
    months=_months(
        "januar jan jänner jän|februar feb|märz mär mrz maerz|april apr|mai|juni jun|juli jul|august aug|"
        "september sep sept|oktober okt|november nov|dezember dez"
    ),
    weekdays=_days("montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag"),
)

ES = Language(
    code="es",
    total=_l("Total|Total a pagar|Importe total|Total factura|Total compra"),
    subtotal=_l("Base imponible|Subtotal sin IVA|Subtotal|Total sin IVA"),
    tax=_l("IVA|Cuota IVA|Impuestos|IGIC"),
    cash=_l("Efectivo|Entregado|Tarjeta|Tarjeta de crédito|Pagado|Pago"),
    change=_l("Cambio|Vuelto|A devolver"),
    rounding=_l("Redondeo"),
    discount=_l("Descuento|Dto|Ahorro"),
    not_amounts=_l("Cantidad|Cant|Uds|Unidades|Nº artículos"),
    date=_l("Fecha|Fecha de factura|Fecha de emisión|Fecha factura"),
    date_excluded=_l(
        "Fecha de vencimiento|Vencimiento|Fecha de entrega|Fecha de pedido|Fecha de caducidad|Válido hasta"
    ),
    invoice_number=_l("Factura N°|Número de factura|Factura|Nº factura|Factura simplificada|Nº de factura"),
    invoice_number_excluded=_l(
        "Pedido|Número de cliente|Nº pedido|Nº de pedido|Nº cliente|Reserva|Contrato|Albarán|Página|NIF|CIF"
    ),
    greetings=_l(
        "Bienvenido a {name}|Bienvenidos a {name}|Gracias por su visita a {name}|Gracias por comprar en {name}|"
        "Gracias por su compra en {name}|Gracias por elegir {name}"
    ),
    header_noise=_l(
        "mesa|comensales|pedido|camarero|cajero|cajera|caja|ticket|factura simplificada|copia|terminal|"
        "le atendió|atendido por|cliente"
    ),
    months=_months(
        "enero ene|febrero feb|marzo mar|abril abr|mayo may|junio jun|julio jul|agosto ago|"
        "septiembre setiembre sep sept|octubre oct|noviembre nov|diciembre dic"
    ),
    weekdays=_days("lunes martes miércoles jueves viernes sábado domingo"),
)

IT = Language(
    code="it",
    total=_l("Totale|Totale complessivo|Importo totale|Totale da pagare|Totale documento"),
    subtotal=_l("Subtotale|Imponibile|Totale imponibile|Parziale"),
    tax=_l("IVA|Imposta|Di cui IVA"),
    cash=_l("Contanti|Pagamento contante|Carta|Carta di credito|Bancomat|Pagato|Pagamento elettronico"),
    change=_l("Resto"),
    rounding=_l("Arrotondamento"),
    discount=_l("Sconto|Sconti"),
    not_amounts=_l("Quantità|Qtà|Pezzi|Numero articoli"),
    date=_l("Data|Data fattura|Data documento|Data emissione"),
    date_excluded=_l("Scadenza|Data scadenza|Data di consegna|Data ordine|Valido fino al"),
    invoice_number=_l("Fattura|Fattura N°|Numero fattura|N. fattura|Numero documento"),
    invoice_number_excluded=_l(
        "Ordine|N. ordine|Codice cliente|Contratto|Prenotazione|DDT|Pagina|Partita IVA|P.IVA|Codice fiscale"
    ),
    greetings=_l(
        "Benvenuti da {name}|Benvenuti a {name}|Grazie per aver acquistato da {name}|Grazie per la visita da {name}"
    ),
    header_noise=_l(
        "tavolo|coperti|cassa|cassiere|operatore|cameriere|scontrino|documento commerciale|copia|terminale|ordine"
    ),
    months=_months(
        "gennaio gen|febbraio feb|marzo mar|aprile apr|maggio mag|giugno giu|luglio lug|agosto ago|settembre set|"
        "ottobre ott|novembre nov|dicembre dic"
    ),
    weekdays=_days("lunedì martedì mercoledì giovedì venerdì sabato domenica"),
)

PT = Language(
    code="pt",
    total=_l("Total|Total a pagar|Valor total|Total geral|Valor a pagar"),
    subtotal=_l("Subtotal|Total sem IVA|Base tributável|Valor líquido"),
    tax=_l("IVA|Imposto|Impostos"),
    cash=_l("Dinheiro|Numerário|Cartão|Cartão de crédito|Multibanco|Pago|Pagamento|Entregue"),
    change=_l("Troco"),
    rounding=_l("Arredondamento"),
    discount=_l("Desconto|Descontos"),
    not_amounts=_l("Quantidade|Qtd|Qtde|Nº artigos"),
    date=_l("Data|Data de emissão|Data da fatura"),
    date_excluded=_l("Data de vencimento|Vencimento|Data de entrega|Validade"),
    invoice_number=_l("Fatura|Fatura nº|Fatura-recibo|Nº fatura|Número da fatura|Fatura simplificada"),
    invoice_number_excluded=_l("Encomenda|Nº encomenda|Nº cliente|Contribuinte|NIF|Página|Pedido"),
    greetings=_l(
        "Bem-vindo a {name}|Bem-vindo ao {name}|Obrigado pela sua visita ao {name}|Obrigado por comprar na {name}"
    ),
    header_noise=_l(
        "mesa|pessoas|caixa|operador|empregado|talão|recibo|fatura simplificada|original|duplicado|cópia|terminal"
    ),
    months=_months(
        "janeiro jan|fevereiro fev|março mar|abril abr|maio mai|junho jun|julho jul|agosto ago|setembro set|"
        "outubro out|novembro nov|dezembro dez"
    ),
    weekdays=_days("segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo"),
)

NL = Language(
    code="nl",
    total=_l("Totaal|Te betalen|Totaalbedrag|Totaal te betalen|Totaal incl. BTW"),
    subtotal=_l("Subtotaal|Totaal excl. BTW|Netto"),
    tax=_l("BTW|Btw-bedrag|BTW bedrag|Totaal BTW"),
    cash=_l("Contant|Pinnen|Betaald|Maestro|V PAY|Bankpas|Betaling|Creditcard"),
    change=_l("Wisselgeld|Terug"),
    rounding=_l("Afronding|Afrondingsverschil"),
    discount=_l("Korting|Uw voordeel|Voordeel"),
    not_amounts=_l("Aantal|Aantal artikelen|Stuks"),
    date=_l("Datum|Factuurdatum"),
    date_excluded=_l("Vervaldatum|Leverdatum|Uiterste betaaldatum|Besteldatum|Geldig tot"),
    invoice_number=_l("Factuurnummer|Factuur nr|Factuurnr|Factuur|Bonnummer"),
    invoice_number_excluded=_l("Klantnummer|Ordernummer|Bestelnummer|Debiteurnummer|Pagina|KvK|BTW-nummer"),
    greetings=_l(
        "Welkom bij {name}|Bedankt voor uw bezoek aan {name}|Bedankt voor uw aankoop bij {name}|"
        "Dank u voor uw bezoek aan {name}|Tot ziens bij {name}"
    ),
    header_noise=_l(
        "tafel|gasten|bestelling|kassa|kassier|kassamedewerker|bon|kassabon|kopie|terminal|filiaal|u werd geholpen door"
    ),
    months=_months(
        "januari jan|februari feb|maart mrt|april apr|mei|juni jun|juli jul|augustus aug|september sep sept|"
        "oktober okt|november nov|december dec"
    ),
    weekdays=_days("maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"),
)

SV = Language(
    code="sv",
    total=_l("Totalt|Summa|Att betala|Totalbelopp|Total|Summa att betala"),
    subtotal=_l("Delsumma|Mellansumma|Netto|Summa exkl. moms"),
    tax=_l("Moms|Varav moms|Mervärdesskatt"),
    cash=_l("Kontant|Kontanter|Kort|Kortbetalning|Betalt|Erhållet|Bankkort"),
    change=_l("Växel|Tillbaka"),
    rounding=_l("Öresavrundning|Avrundning|Öresutjämning"),
    discount=_l("Rabatt"),
    not_amounts=_l("Antal|Antal artiklar"),
    date=_l("Datum"),
    date_excluded=_l("Förfallodatum|Förfaller|Leveransdatum|Orderdatum|Giltig till|Sista betalningsdag"),
    invoice_number=_l("Fakturanummer|Faktura nr|Fakturanr|Faktura|Kvittonummer|Kvitto nr"),
    invoice_number_excluded=_l("Kundnummer|Ordernummer|Org.nr|Organisationsnummer|Sida|Bokningsnummer|Avtalsnummer"),
    greetings=_l(
        "Välkommen till {name}|Tack för ditt köp hos {name}|Tack för besöket på {name}|Välkommen åter till {name}"
    ),
    header_noise=_l("bord|gäster|kassa|kassör|kvitto|kopia|terminal|butik|beställning|personal"),
    months=_months(
        "januari jan|februari feb|mars mar|april apr|maj|juni jun|juli jul|augusti aug|september sep sept|"
        "oktober okt|november nov|december dec"
    ),
    weekdays=_days("måndag tisdag onsdag torsdag fredag lördag söndag"),
)

DA = Language(
    code="da",
    total=_l("Total|I alt|At betale|Totalbeløb"),
    subtotal=_l("Subtotal|Mellemsum|Netto|I alt ekskl. moms"),
    tax=_l("Moms|Heraf moms|Moms udgør"),
    cash=_l("Kontant|Kontanter|Kort|Dankort|Betalt|Modtaget"),
    change=_l("Byttepenge|Tilbage"),
    rounding=_l("Afrunding|Øreafrunding"),
    discount=_l("Rabat"),
    not_amounts=_l("Antal|Stk"),
    date=_l("Dato|Fakturadato"),
    date_excluded=_l("Forfaldsdato|Forfald|Leveringsdato|Betalingsfrist|Gyldig til"),
    invoice_number=_l("Fakturanummer|Faktura nr|Fakturanr|Faktura|Bonnummer|Kvitteringsnummer"),
    invoice_number_excluded=_l("Kundenummer|Ordrenummer|Ordre nr|CVR|CVR-nr|Side"),
    greetings=_l("Velkommen til {name}|Tak for dit køb hos {name}|Tak for besøget i {name}"),
    header_noise=_l("bord|gæster|kasse|kasserer|kvittering|kopi|terminal|butik|ekspedient|bestilling"),
    months=_months(
        "januar jan|februar feb|marts mar|april apr|maj|juni jun|juli jul|august aug|september sep|oktober okt|"
        "november nov|december dec"
    ),
    weekdays=_days("mandag tirsdag onsdag torsdag fredag lørdag søndag"),
)

NB = Language(
    code="nb",
    total=_l("Totalt|Sum|Å betale|Til betaling|Total|Totalsum"),
    subtotal=_l("Delsum|Subtotal|Netto|Sum eks. mva"),
    tax=_l("MVA|Herav mva|Merverdiavgift"),
    cash=_l("Kontant|Kontanter|Kort|Bankkort|BankAxept|Betalt"),
    change=_l("Vekslepenger|Tilbake"),
    rounding=_l("Avrunding|Øreavrunding"),
    discount=_l("Rabatt"),
    not_amounts=_l("Antall|Stk"),
    date=_l("Dato|Fakturadato"),
    date_excluded=_l("Forfallsdato|Forfall|Leveringsdato|Betalingsfrist"),
    invoice_number=_l("Fakturanummer|Faktura nr|Fakturanr|Faktura|Kvitteringsnummer"),
    invoice_number_excluded=_l("Kundenummer|Ordrenummer|Org.nr|Organisasjonsnummer|Side"),
    greetings=_l("Velkommen til {name}|Takk for handelen hos {name}|Takk for besøket hos {name}"),
    header_noise=_l("bord|gjester|kasse|kasserer|kvittering|kopi|terminal|butikk|betjent av|bestilling"),
    months=_months(
        "januar jan|februar feb|mars mar|april apr|mai|juni jun|juli jul|august aug|september sep|oktober okt|"
        "november nov|desember des"
    ),
    weekdays=_days("mandag tirsdag onsdag torsdag fredag lørdag søndag"),
)

FI = Language(
    code="fi",
    total=_l("Yhteensä|Yht|Maksettava|Loppusumma|Summa|Kokonaissumma"),
    subtotal=_l("Välisumma|Veroton|Veroton hinta|Yhteensä ilman ALV"),
    tax=_l("ALV|Arvonlisävero"),
    cash=_l("Käteinen|Kortti|Pankkikortti|Luottokortti|Maksettu|Maksu"),
    change=_l("Vaihtoraha|Takaisin"),
    rounding=_l("Pyöristys"),
    discount=_l("Alennus"),
    not_amounts=_l("Kpl|Määrä|Lukumäärä"),
    date=_l("Päivämäärä|Pvm|Laskun päivämäärä"),
    date_excluded=_l("Eräpäivä|Toimituspäivä|Tilauspäivä|Voimassa"),
    invoice_number=_l("Laskun numero|Laskunumero|Lasku nro|Lasku|Kuittinumero"),
    invoice_number_excluded=_l("Asiakasnumero|Tilausnumero|Y-tunnus|Sivu|Viitenumero"),
    greetings=_l("Tervetuloa {name}|Kiitos käynnistä {name}"),
    header_noise=_l("pöytä|asiakkaat|kassa|myyjä|kuitti|kopio|pääte|tilaus|palveli"),
    months=_months(
        "tammikuu tammikuuta|helmikuu helmikuuta|maaliskuu maaliskuuta|huhtikuu huhtikuuta|toukokuu toukokuuta|"
        "kesäkuu kesäkuuta|heinäkuu heinäkuuta|elokuu elokuuta|syyskuu syyskuuta|lokakuu lokakuuta|"
        "marraskuu marraskuuta|joulukuu joulukuuta"
    ),
    weekdays=_days("maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai"),
)

PL = Language(
    code="pl",
    total=_l("Suma|Suma PLN|Razem|Do zapłaty|Łącznie|Ogółem"),
    subtotal=_l("Netto|Wartość netto|Suma częściowa"),
    tax=_l("PTU|Suma PTU|VAT|Kwota VAT|Podatek VAT"),
    cash=_l("Gotówka|Karta|Karta płatnicza|Zapłacono|Płatność kartą"),
    change=_l("Reszta"),
    rounding=_l("Zaokrąglenie"),
    discount=_l("Rabat|Upust|Obniżka"),
    not_amounts=_l("Ilość|Szt|Liczba pozycji"),
    date=_l("Data|Data wystawienia"),
    date_excluded=_l("Termin płatności|Data dostawy|Data zamówienia|Data ważności|Ważne do"),
    invoice_number=_l("Faktura|Faktura nr|Faktura VAT nr|Numer faktury|Nr faktury"),
    invoice_number_excluded=_l("Nr zamówienia|Zamówienie|Nr klienta|NIP|REGON|Strona|Nr rachunku"),
    greetings=_l("Witamy w {name}|Dziękujemy za zakupy w {name}|Zapraszamy ponownie do {name}"),
    header_noise=_l(
        "stolik|goście|kasa|kasjer|kelner|paragon|paragon fiskalny|niefiskalny|kopia|terminal|zamówienie|sklep"
    ),
    months=_months(
        "styczeń stycznia sty|luty lutego lut|marzec marca mar|kwiecień kwietnia kwi|maj maja|czerwiec czerwca cze|"
        "lipiec lipca lip|sierpień sierpnia sie|wrzesień września wrz|październik października paź|"
        "listopad listopada lis|grudzień grudnia gru"
    ),
    weekdays=_days("poniedziałek wtorek środa czwartek piątek sobota niedziela"),
)

CS = Language(
    code="cs",
    total=_l("Celkem|Celkem k úhradě|K úhradě|K zaplacení|Suma|Celková částka"),
    subtotal=_l("Mezisoučet|Základ daně|Celkem bez DPH"),
    tax=_l("DPH|DPH celkem"),
    cash=_l("Hotově|Hotovost|Karta|Platební karta|Zaplaceno|Přijato"),
    change=_l("Vráceno|Vrátit"),
    rounding=_l("Zaokrouhlení"),
    discount=_l("Sleva"),
    not_amounts=_l("Množství|Počet|Ks|Počet položek"),
    date=_l("Datum|Datum vystavení"),
    date_excluded=_l("Datum splatnosti|Splatnost|Datum dodání|Platnost do"),
    invoice_number=_l("Faktura|Faktura číslo|Číslo faktury|Daňový doklad|Číslo dokladu"),
    invoice_number_excluded=_l("Objednávka|Číslo objednávky|Číslo zákazníka|IČO|DIČ|Strana|Smlouva"),
    greetings=_l("Vítejte v {name}|Děkujeme za nákup v {name}|Děkujeme za návštěvu {name}"),
    header_noise=_l("stůl|hosté|pokladna|pokladní|obsluha|číšník|účtenka|kopie|terminál|objednávka|prodejna"),
    months=_months(
        "leden ledna|únor února|březen března|duben dubna|květen května|červen června|červenec července|"
        "srpen srpna|září|říjen října|listopad listopadu|prosinec prosince"
    ),
    weekdays=_days("pondělí úterý středa čtvrtek pátek sobota neděle"),
)

SK = Language(
    code="sk",
    total=_l("Celkom|Spolu|Suma|K úhrade|Na úhradu|Celková suma"),
    subtotal=_l("Medzisúčet|Základ dane|Spolu bez DPH"),
    tax=_l("DPH"),
    cash=_l("Hotovosť|Platobná karta|Karta|Zaplatené|Prijaté"),
    change=_l("Vrátené|Výdavok"),
    rounding=_l("Zaokrúhlenie"),
    discount=_l("Zľava"),
    not_amounts=_l("Množstvo|Počet|Ks"),
    date=_l("Dátum|Dátum vyhotovenia|Dátum vystavenia"),
    date_excluded=_l("Dátum splatnosti|Splatnosť|Dátum dodania"),
    invoice_number=_l("Faktúra|Faktúra číslo|Číslo faktúry"),
    invoice_number_excluded=_l("Objednávka|Číslo objednávky|IČO|DIČ|IČ DPH|Strana"),
    greetings=_l("Vitajte v {name}|Ďakujeme za nákup v {name}|Ďakujeme za návštevu {name}"),
    header_noise=_l(
        "stôl|hostia|pokladňa|pokladník|obsluha|pokladničný doklad|bloček|kópia|terminál|objednávka|predajňa"
    ),
    months=_months(
        "január januára|február februára|marec marca|apríl apríla|máj mája|jún júna|júl júla|august augusta|"
        "september septembra|október októbra|november novembra|december decembra"
    ),
    weekdays=_days("pondelok utorok streda štvrtok piatok sobota nedeľa"),
)

HR = Language(
    code="hr",
    total=_l("Ukupno|Sveukupno|Za platiti|Ukupan iznos|Iznos za plaćanje"),
    subtotal=_l("Međuzbroj|Osnovica|Ukupno bez PDV-a|Iznos bez PDV-a"),
    tax=_l("PDV|Ukupno PDV|Porez na potrošnju"),
    cash=_l("Gotovina|Novčanice|Kartica|Kartice|Plaćeno|Primljeno"),
    change=_l("Vraćeno|Vratiti"),
    rounding=_l("Zaokruživanje"),
    discount=_l("Popust"),
    not_amounts=_l("Količina|Kol|Kom"),
    date=_l("Datum|Datum računa|Datum izdavanja"),
    date_excluded=_l("Datum dospijeća|Dospijeće|Rok plaćanja|Datum isporuke"),
    invoice_number=_l("Račun|Račun br|Broj računa|Račun broj"),
    invoice_number_excluded=_l("Narudžba|Broj narudžbe|OIB|Stranica|JIR|ZKI"),
    greetings=_l("Dobrodošli u {name}|Hvala na kupnji u {name}|Hvala na posjetu {name}"),
    header_noise=_l("stol|gosti|blagajna|blagajnik|konobar|operater|kopija|terminal|narudžba|prodavaonica"),
    months=_months(
        "siječanj siječnja|veljača veljače|ožujak ožujka|travanj travnja|svibanj svibnja|lipanj lipnja|"
        "srpanj srpnja|kolovoz kolovoza|rujan rujna|listopad listopada|studeni studenoga studenog|prosinac prosinca"
    ),
    weekdays=_days("ponedjeljak utorak srijeda četvrtak petak subota nedjelja"),
)

SL = Language(
    code="sl",
    total=_l("Skupaj|Za plačilo|Skupni znesek|Znesek za plačilo|Vsota"),
    subtotal=_l("Vmesna vsota|Osnova|Skupaj brez DDV"),
    tax=_l("DDV|Davek"),
    cash=_l("Gotovina|Kartica|Plačilna kartica|Plačano|Prejeto"),
    change=_l("Vračilo"),
    rounding=_l("Zaokrožitev"),
    discount=_l("Popust"),
    not_amounts=_l("Količina|Kol|Kos"),
    date=_l("Datum|Datum računa|Datum izdaje"),
    date_excluded=_l("Datum zapadlosti|Rok plačila|Datum dobave"),
    invoice_number=_l("Račun|Račun št|Številka računa|Št. računa"),
    invoice_number_excluded=_l("Naročilo|Številka naročila|Davčna številka|ID za DDV|Stran|EOR|ZOI"),
    greetings=_l("Dobrodošli v {name}|Hvala za nakup v {name}|Hvala za obisk {name}"),
    header_noise=_l("miza|gostje|blagajna|blagajnik|natakar|kopija|terminal|naročilo|prodajalna|izdal"),
    months=_months(
        "januar januarja|februar februarja|marec marca|april aprila|maj maja|junij junija|julij julija|"
        "avgust avgusta|september septembra|oktober oktobra|november novembra|december decembra"
    ),
    weekdays=_days("ponedeljek torek sreda četrtek petek sobota nedelja"),
)

HU = Language(
    code="hu",
    total=_l("Összesen|Fizetendő|Végösszeg|Fizetendő összeg|Mindösszesen"),
    subtotal=_l("Részösszeg|Nettó|Nettó összeg|Adóalap"),
    tax=_l("ÁFA|ÁFA összeg|Adó"),
    cash=_l("Készpénz|Kártya|Bankkártya|Fizetve|Átadott"),
    change=_l("Visszajáró"),
    rounding=_l("Kerekítés"),
    discount=_l("Kedvezmény|Engedmény"),
    not_amounts=_l("Mennyiség|Menny|Db|Darab|Tételek száma"),
    date=_l("Dátum|Kelt|Számla kelte|Kiállítás dátuma"),
    date_excluded=_l("Fizetési határidő|Esedékesség|Teljesítés dátuma|Teljesítés|Szállítási dátum"),
    invoice_number=_l("Számla|Számlaszám|Számla sorszáma|Sorszám"),
    invoice_number_excluded=_l("Rendelésszám|Megrendelés|Ügyfélszám|Adószám|Oldal"),
    greetings=_l("Üdvözöljük a {name}|Köszönjük a vásárlást {name}"),
    header_noise=_l("asztal|vendég|pénztár|pénztáros|felszolgáló|nyugta|másolat|terminál|rendelés|bolt|üzlet"),
    months=_months(
        "január jan|február febr|március márc|április ápr|május máj|június jún|július júl|augusztus aug|"
        "szeptember szept|október okt|november nov|december dec"
    ),
    weekdays=_days("hétfő kedd szerda csütörtök péntek szombat vasárnap"),
)

RO = Language(
    code="ro",
    total=_l("Total|Total de plată|Total plată|Suma de plată|Total general"),
    subtotal=_l("Subtotal|Total fără TVA|Valoare fără TVA|Bază impozabilă"),
    tax=_l("TVA|Total TVA|Valoare TVA"),
    cash=_l("Numerar|Card|Card bancar|Plătit|Achitat"),
    change=_l("Rest"),
    rounding=_l("Rotunjire"),
    discount=_l("Reducere|Discount"),
    not_amounts=_l("Cantitate|Cant|Buc"),
    date=_l("Data|Data emiterii|Data facturii"),
    date_excluded=_l("Data scadenței|Scadență|Termen de plată|Data livrării"),
    invoice_number=_l("Factura|Factură|Factura nr|Număr factură|Nr. factură"),
    invoice_number_excluded=_l("Comanda|Nr. comandă|Cod client|CIF|CUI|Pagina|Contract"),
    greetings=_l("Bine ați venit la {name}|Vă mulțumim pentru cumpărături la {name}|Vă mulțumim că ați ales {name}"),
    header_noise=_l("masa|casa|casier|ospătar|operator|bon fiscal|bon|copie|terminal|comanda|magazin"),
    months=_months(
        "ianuarie ian|februarie feb|martie mar|aprilie apr|mai|iunie iun|iulie iul|august aug|septembrie sep|"
        "octombrie oct|noiembrie nov|decembrie dec"
    ),
    weekdays=_days("luni marți miercuri joi vineri sâmbătă duminică"),
)

LT = Language(
    code="lt",
    total=_l("Iš viso|Mokėti|Suma|Viso|Bendra suma|Mokėtina suma"),
    subtotal=_l("Tarpinė suma|Suma be PVM"),
    tax=_l("PVM|PVM suma"),
    cash=_l("Grynaisiais|Grynieji|Kortelė|Mokėjimo kortelė|Sumokėta|Gauta"),
    change=_l("Grąža"),
    rounding=_l("Apvalinimas"),
    discount=_l("Nuolaida"),
    not_amounts=_l("Kiekis|Vnt"),
    date=_l("Data|Išrašymo data|Sąskaitos data"),
    date_excluded=_l("Apmokėti iki|Mokėjimo terminas|Pristatymo data"),
    invoice_number=_l("Sąskaita faktūra|Sąskaitos Nr|Sąskaita|Sąskaitos faktūros Nr"),
    invoice_number_excluded=_l("Užsakymo Nr|Užsakymas|Pirkėjo kodas|PVM kodas|Įmonės kodas|Puslapis|Sutartis"),
    greetings=_l("Sveiki atvykę į {name}|Dėkojame, kad apsilankėte {name}|Ačiū, kad apsipirkote {name}"),
    header_noise=_l(
        "stalas|svečiai|kasa|kasininkas|padavėjas|kvitas|kopija|terminalas|užsakymas|parduotuvė|kasos aparatas"
    ),
    months=_months(
        "sausis sausio|vasaris vasario|kovas kovo|balandis balandžio|gegužė gegužės|birželis birželio|liepa liepos|"
        "rugpjūtis rugpjūčio|rugsėjis rugsėjo|spalis spalio|lapkritis lapkričio|gruodis gruodžio"
    ),
    weekdays=_days("pirmadienis antradienis trečiadienis ketvirtadienis penktadienis šeštadienis sekmadienis"),
)

LV = Language(
    code="lv",
    total=_l("Kopā|Summa|Apmaksai|Kopsumma|Samaksai|Kopā apmaksai"),
    subtotal=_l("Starpsumma|Summa bez PVN"),
    tax=_l("PVN|PVN summa"),
    cash=_l("Skaidrā naudā|Karte|Maksājumu karte|Samaksāts|Saņemts"),
    change=_l("Atlikums"),
    rounding=_l("Noapaļošana"),
    discount=_l("Atlaide"),
    not_amounts=_l("Daudzums|Gab"),
    date=_l("Datums|Rēķina datums"),
    date_excluded=_l("Apmaksas termiņš|Samaksas termiņš|Piegādes datums"),
    invoice_number=_l("Rēķins|Rēķina Nr|Rēķina numurs"),
    invoice_number_excluded=_l("Pasūtījuma Nr|Pasūtījums|Klienta Nr|PVN reģ. Nr|Reģ. Nr|Lapa"),
    greetings=_l("Laipni lūdzam {name}|Paldies, ka iepirkāties {name}"),
    header_noise=_l("galds|viesi|kase|kasieris|oficiants|čeks|kopija|terminālis|pasūtījums|veikals"),
    months=_months(
        "janvāris janvāra|februāris februāra|marts marta|aprīlis aprīļa|maijs maija|jūnijs jūnija|jūlijs jūlija|"
        "augusts augusta|septembris septembra|oktobris oktobra|novembris novembra|decembris decembra"
    ),
    weekdays=_days("pirmdiena otrdiena trešdiena ceturtdiena piektdiena sestdiena svētdiena"),
)

ET = Language(
    code="et",
    total=_l("Kokku|Maksta|Tasuda|Summa|Kokku tasuda"),
    subtotal=_l("Vahesumma|Käibemaksuta|Summa km-ta|Kokku km-ta"),
    # no bare "KM": it is also the kilometres of a taxi or fuel receipt in every language
    tax=_l("Käibemaks|KM kokku|Käibemaks kokku"),
    cash=_l("Sularaha|Kaart|Pangakaart|Makstud|Kaardimakse"),
    change=_l("Tagasi|Vahetusraha"),
    rounding=_l("Ümardus|Ümardamine"),
    discount=_l("Soodustus|Allahindlus"),
    not_amounts=_l("Kogus|Tk"),
    date=_l("Kuupäev|Arve kuupäev"),
    date_excluded=_l("Maksetähtaeg|Tähtaeg|Tarnekuupäev"),
    invoice_number=_l("Arve|Arve nr|Arve number"),
    invoice_number_excluded=_l("Tellimus|Tellimuse nr|Kliendi nr|Registrikood|KMKR|KMKR nr|Leht"),
    greetings=_l("Tere tulemast {name}|Aitäh, et külastasite {name}"),
    header_noise=_l("laud|külalised|kassa|kassapidaja|teenindaja|tšekk|koopia|terminal|tellimus|kauplus|klient"),
    months=_months(
        "jaanuar jaan|veebruar veebr|märts|aprill|mai|juuni|juuli|august|september sept|oktoober okt|november nov|"
        "detsember dets"
    ),
    weekdays=_days("esmaspäev teisipäev kolmapäev neljapäev reede laupäev pühapäev"),
)

EL = Language(
    code="el",
    total=_l("Σύνολο|Γενικό σύνολο|Πληρωτέο|Πληρωτέο ποσό|Συνολικό ποσό"),
    subtotal=_l("Μερικό σύνολο|Υποσύνολο|Καθαρή αξία|Καθαρό ποσό"),
    tax=_l("ΦΠΑ|Φ.Π.Α.|Σύνολο ΦΠΑ"),
    cash=_l("Μετρητά|Κάρτα|Πιστωτική κάρτα|Πληρωμή"),
    change=_l("Ρέστα"),
    rounding=_l("Στρογγυλοποίηση"),
    discount=_l("Έκπτωση"),
    not_amounts=_l("Ποσότητα|Τεμ|Τεμάχια"),
    date=_l("Ημερομηνία|Ημ/νία|Ημερομηνία έκδοσης"),
    date_excluded=_l("Ημερομηνία λήξης|Λήξη|Ημερομηνία παράδοσης"),
    invoice_number=_l("Τιμολόγιο|Αριθμός τιμολογίου|Αρ. τιμολογίου"),
    invoice_number_excluded=_l("Παραγγελία|Αρ. παραγγελίας|Κωδικός πελάτη|ΑΦΜ|ΔΟΥ|Σελίδα"),
    greetings=_l("Καλώς ήρθατε στο {name}|Σας ευχαριστούμε για την επίσκεψη στο {name}"),
    header_noise=_l(
        "τραπέζι|άτομα|ταμείο|ταμίας|σερβιτόρος|απόδειξη|απόδειξη λιανικής|αντίγραφο|τερματικό|παραγγελία|κατάστημα"
    ),
    months=_months(
        "ιανουάριος ιανουαρίου ιαν|φεβρουάριος φεβρουαρίου φεβ|μάρτιος μαρτίου μαρ|απρίλιος απριλίου απρ|"
        "μάιος μαΐου μαΐ μαι|ιούνιος ιουνίου ιουν|ιούλιος ιουλίου ιουλ|αύγουστος αυγούστου αυγ|"
        "σεπτέμβριος σεπτεμβρίου σεπ|οκτώβριος οκτωβρίου οκτ|νοέμβριος νοεμβρίου νοε|δεκέμβριος δεκεμβρίου δεκ"
    ),
    weekdays=_days("δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή"),
)

TR = Language(
    code="tr",
    total=_l("Toplam|Genel toplam|Ödenecek tutar|Toplam tutar"),
    subtotal=_l("Ara toplam|Ara top"),
    tax=_l("KDV|Topkdv|Toplam KDV|KDV tutarı"),
    cash=_l("Nakit|Kredi kartı|Kart|Ödenen|Alınan"),
    change=_l("Para üstü|Paraüstü"),
    rounding=_l("Yuvarlama"),
    discount=_l("İndirim|İskonto"),
    not_amounts=_l("Miktar|Adet"),
    date=_l("Tarih|Fatura tarihi|Düzenleme tarihi"),
    date_excluded=_l("Vade tarihi|Son ödeme tarihi|Teslim tarihi|Sipariş tarihi"),
    invoice_number=_l("Fatura|Fatura no|Fatura numarası|Fiş no|Belge no"),
    invoice_number_excluded=_l("Sipariş no|Sipariş|Müşteri no|Vergi no|VKN|Vergi dairesi|Sayfa"),
    greetings=_l("Hoş geldiniz {name}"),
    header_noise=_l("masa|kişi|kasa|kasiyer|garson|fiş|mali fiş|bilgi fişi|kopya|terminal|sipariş|mağaza"),
    months=_months("ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık"),
    weekdays=_days("pazartesi salı çarşamba perşembe cuma cumartesi pazar"),
)

MS = Language(
    code="ms",
    total=_l("Jumlah|Jumlah Besar|Jumlah Keseluruhan|Jumlah Bayaran|Jumlah Perlu Dibayar"),
    subtotal=_l("Jumlah Kecil|Jumlah Sebelum Cukai"),
    tax=_l("Cukai|Cukai Jualan|Cukai Perkhidmatan"),
    cash=_l("Tunai|Kad|Kad Kredit|Dibayar"),
    change=_l("Baki|Wang Baki"),
    rounding=_l("Pelarasan Pembundaran|Pembundaran"),
    discount=_l("Diskaun|Potongan"),
    not_amounts=_l("Kuantiti"),
    date=_l("Tarikh|Tarikh Invois"),
    date_excluded=_l("Tarikh Akhir|Tarikh Tamat|Tarikh Penghantaran|Tarikh Luput"),
    invoice_number=_l("No Invois|Nombor Invois|Invois"),
    invoice_number_excluded=_l("No Pesanan|Pesanan|No Pelanggan|No Akaun|Muka Surat"),
    greetings=_l(
        "Selamat datang ke {name}|Terima kasih kerana membeli-belah di {name}|Terima kasih kerana mengunjungi {name}"
    ),
    header_noise=_l("meja|tetamu|pesanan|juruwang|kaunter|resit|salinan|terminal|cawangan"),
    months=_months(
        "januari jan|februari feb|mac|april apr|mei|jun|julai jul|ogos ogo|september sep|oktober okt|november nov|"
        "disember dis"
    ),
    weekdays=_days("isnin selasa rabu khamis jumaat sabtu ahad"),
)

# The built-in templates' languages first (their labels keep the order they had), then the others.
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (EN, FR, DE, ES, MS, IT, PT, NL, SV, DA, NB, FI, PL, CS, SK, HR, SL, HU, RO, LT, LV, ET, EL, TR)
}
_ALIASES = {"no": "nb", "nn": "nb"}  # Norwegian is tagged "no" as often as "nb"; Nynorsk receipts read the same


def language_of(tag: str | None) -> Language | None:
    """The vocabulary of a BCP 47 tag's language ("de-AT" → German); None when there is none here."""
    if not tag:
        return None
    code = tag.split("-")[0].lower()
    return LANGUAGES.get(_ALIASES.get(code, code))


# Legal-entity forms as printed after a business's name: evidence that a header line names the issuer.
LEGAL_FORMS: tuple[str, ...] = tuple(
    dict.fromkeys(
        _l(
            "GmbH|gGmbH|mbH|AG|KG|KGaA|e.K.|e.V.|oHG|OHG|UG|GmbH & Co. KG|Ltd|Ltd.|Limited|LLC|L.L.C.|LLP|LP|Inc|Inc.|"
            "Corp|Corp.|Corporation|plc|PLC|Pty Ltd|Pte Ltd|Co.|Co., Ltd|Co. Ltd|K.K.|S.A.|SA|S.L.|SL|S.L.U.|S.A.U.|"
            "S.C.|SAS|S.A.S.|SASU|SARL|S.à r.l.|EURL|SNC|S.p.A.|SpA|S.r.l.|Srl|S.n.c.|S.a.s.|Lda|Lda.|Ltda|"
            "S.A.R.L.|B.V.|BV|N.V.|NV|V.O.F.|VOF|BVBA|SRL|SPRL|AB|AS|A/S|ASA|ApS|Oy|Oyj|Ky|Sp. z o.o.|"
            "Sp.z o.o.|Sp. j.|Sp. k.|S.A.|UAB|AB|IĮ|SIA|AS|OÜ|AS|d.o.o.|d.d.|j.d.o.o.|obrt|s.r.o.|a.s.|"
            "spol. s r.o.|v.o.s.|k.s.|Kft|Kft.|Zrt|Zrt.|Nyrt|Bt|Bt.|S.R.L.|S.C.|SRL|A.Ş.|Ltd. Şti.|Şti.|A.E.|Ε.Π.Ε.|"
            "Ο.Ε.|Ι.Κ.Ε.|ΑΕ|ΕΠΕ|IKE|SDN BHD|Sdn Bhd|Sdn. Bhd.|BHD|Bhd|S/B|PLT"
        )
    )
)


def labels(kind: str, languages: Iterable[Language] | None = None) -> tuple[str, ...]:
    """One kind of label ("total", "tax", …) of every language, in order, each once (compared folded)."""
    out: dict[str, str] = {}
    for language in LANGUAGES.values() if languages is None else languages:
        for label in getattr(language, kind):
            out.setdefault(fold(label), label)
    return tuple(out.values())


@lru_cache(maxsize=64)
def months(language: str | None = None) -> dict[str, int]:
    """Folded month names and abbreviations → 1..12: every language's, where they agree; a name two languages
    read as different months ("listopad": November in Polish and Czech, October in Croatian) only in the
    language given."""
    readings: dict[str, set[int]] = {}
    for lang in LANGUAGES.values():
        for name, number in lang.months.items():
            readings.setdefault(name, set()).add(number)
    table = {name: next(iter(numbers)) for name, numbers in readings.items() if len(numbers) == 1}
    if chosen := language_of(language):
        table.update(chosen.months)
    return table


WEEKDAYS: frozenset[str] = frozenset(day for language in LANGUAGES.values() for day in language.weekdays)
