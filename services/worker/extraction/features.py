"""The features a candidate can carry, each with the words a person reads in the record's `why`.

A winner's `why` lists the features that weighed most for it and against it, with their part of its
score ("+1.84 subtotal + tax equals it"); the words are rendered from these names for people and never
read back by the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.worker.extraction.scoring import Scorer

if TYPE_CHECKING:
    from services.worker.extraction.learned import LearnedWeights

FEATURES: dict[str, str] = {
    # where the value is printed
    "page_position": "its place down the page",
    "line_height": "its line's height against the page's text",
    "ocr_confidence": "how sure OCR is of its line",
    "repeated": "the same value found in more than one place",
    # what people's corrections of this issuer's documents taught (learned.py)
    "example_label": "the label of the value a person corrected on this issuer's documents",
    "example_place": "where a person's corrected value was on this issuer's documents",
    "example_format": "printed like the value a person corrected",
    "example_value": "the value a person corrected on this issuer's documents",
    "example_unprinted": "the issuer's name a person gave (the page prints it in no text)",
    # its label
    "labelled": "beside a label",
    "label_similarity": "how closely the label matches",
    "label_words": "a label of several words",
    "label_starts_row": "the label starts its row",
    "right_of_label": "right of the label",
    "value_rank_after_label": "not the first value after the label",
    "several_values_on_row": "one of several amounts on its row",
    "lower_right_of_label": "right of the label, a little lower",
    "below_label": "under the label",
    "rows_below_label": "rows under the label",
    # how it is written
    "written_cleanly": "written in full (two decimals or a currency; a four-digit year or a month name)",
    "currency_printed": "a currency printed with it",
    "order_ambiguous": "day and month could be either way round",
    "code_length": "the code's length",
    "code_digits": "the code's digits",
    "code_has_letters": "letters in the code",
    "code_has_separators": "separators in the code (/ - _ .)",
    "short_bare_number": "a short bare number",
    # dates
    "unlabelled": "no label beside it",
    "followed_by_time": "followed by a time",
    "years_from_others": "years away from the page's other dates",
    # totals
    "after_rounding": "the total after its rounding line",
    "labelled_otherwise": "printed beside another amount's label (cash, change, subtotal, tax…)",
    "cash_minus_change": "cash handed over less change equals it",
    "paid_exactly": "the amount paid equals it",
    "subtotal_plus_tax": "subtotal + tax equals it",
    "equals_subtotal": "it equals the subtotal",
    "not_positive": "not a positive amount",
    "below_subtotal": "less than the subtotal, with no discount to explain it",
    "sum_of_totals_above": "the sum of the totals above it",
    "lowest_total_line": "the lowest of the total lines",
    "amount_rank_on_page": "how large it is among the page's amounts",
    # issuers
    "from_heading": "a header line",
    "from_legal_line": "a name with a legal form (GmbH, Ltd, S.A., SDN BHD…)",
    "from_greeting": "named in a greeting (Welcome to …, Thank you for shopping at …)",
    "heading_rank": "lines of the header above it",
    "first_heading_line": "the first line of the header",
    "tallest_in_header": "the largest print of the header",
    "after_title": "after the document's title or date",
    "after_owner_line": "after an 'owned by' line",
    "legal_form": "printed with a legal form",
    "part_of_line": "a piece of its line",
    "form_mid_line": "a name before a legal form in the middle of its line",
    "dropped_is_noise": "what is left out are a header's other words (store, table, order…)",
    "joined_height_ratio": "the joined lines' likeness in size",
    "words_dropped": "words of its line left out (a branch or place)",
    "dropped_has_digits": "what is left out has digits (a store number)",
    "dropped_elsewhere": "what is left out is printed again below (an address)",
    "dropped_in_address": "what is left out is printed again in the address (a branch's place)",
    "dropped_only_trade_words": "what is left out only says what or which shop it is (café, store #12…)",
    "joined_lines": "lines a name wraps over, joined",
    "joined_only_trade_words": "the line joined on only says what shop it is (bistro & café)",
    "joined_goes_on": "the line above visibly goes on (ends with '&', 'the', an open parenthesis)",
    "name_words": "its number of words",
    "name_letters": "its number of letters",
    "digit_share": "its share of digits",
    "all_capitals": "all in capitals",
    "no_capital": "no capital letter",
    "lower_case_words": "lower-case words (a sentence or slogan)",
    "sentence_punctuation": "ends like a sentence",
    "trade_word": "a trade word (restaurant, café, pharmacy…)",
    "address_like": "reads like an address",
    "header_noise": "words of a header's other lines (table, order, cashier, survey…)",
    "printed_inverted": "printed light on dark (a logo)",
    "matches_domain": "the page's web or e-mail domain agrees",
    "agrees_with_legal_line": "a legal-entity line elsewhere agrees",
    "agrees_with_greeting": "a greeting elsewhere agrees",
    "printed_again": "printed again elsewhere on the page",
    "printed_again_alone": "printed again elsewhere on the page on its own",
    "only_trade_words": "only words of a trade or a header (restaurant, café, store…)",
    "decorated": "set off with stars or rules, as a name is",
    "ends_unfinished": "ends with an article or a connector ('the', 'and', 'am')",
    "ends_with_branch_word": "ends with a word for one of a brand's places (store, Filiale, centrum…)",
    "legal_heading_rank": "lines of the header above its legal-entity line",
    # currencies
    "currency_code": "an ISO currency code",
    "currency_sign": "a currency sign",
    "currency_mentions": "how often the page prints it",
    "beside_total": "printed with the total",
    "from_locale": "the currency of the country the page shows",
    "sign_ambiguous": "a sign several currencies use",
}
REASONS = 4  # features shown for a winner, the strongest first
AGAINST = -0.5  # a feature that took at least this much score away is shown as against it


def reasons(
    scorer: Scorer, features: dict[str, float], label: str | None = None, learned: LearnedWeights | None = None
) -> list[str]:
    """The features a candidate has that weighed most for it, and those that weighed clearly against it, in
    words, each with its part of the score against a typical candidate; what corrections taught comes first."""
    taught = learned.contributions(features) if learned is not None else []
    terms = [t for t in taught if t[1]] + sorted(scorer.contributions(features), key=lambda t: -abs(t[1]))
    out = []
    for name, term in terms:
        if len(out) >= REASONS or abs(term) < 0.05:
            break
        if term > 0 or term <= AGAINST:
            words = FEATURES.get(name, name)
            if name == "label_similarity" and label:
                words = f"the label {label!r}"
            out.append(f"{term:+.2f} {words}")
    return out
