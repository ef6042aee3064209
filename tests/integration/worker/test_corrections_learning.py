"""One correction per issuer, measured with real OCR on a subset of the real receipts (../shared/corpora): the
batch service's code finds where the corrected value is printed and the example it teaches, the worker's reads
the issuer's next receipts with it (bench/corrections.py runs the same on every development document)."""

from __future__ import annotations

import pytest

from bench import corrections
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache

GROUPS = 4  # issuers with several receipts, the first few by file name: about a dozen pages to read


@pytest.mark.skipif(not real_corpora.available("sroie-dev"), reason="../shared/corpora/sroie-dev is not here")
def test_the_following_receipts_of_a_corrected_issuer_keep_its_corrected_fields_and_others_are_unchanged():
    ocr = default_engine_cache()
    groups = corrections.groups_of(real_corpora.load("sroie-dev"))
    several = {name: docs for name, docs in sorted(groups.items()) if len(docs) > 1}
    chosen = dict(list(several.items())[:GROUPS])
    alone = [docs for docs in groups.values() if len(docs) == 1][:3]
    project = corrections.Project("sroie-dev", chosen | {docs[0].issuer: docs for docs in alone})
    for docs in chosen.values():
        project.examples += corrections.corrected(docs[0], ocr.pages)
    assert {e.field for e in project.examples} >= {"merchant", "total"}

    tallies = corrections.accuracy(project, ocr.pages)
    for (kind, name), (before, after, _) in tallies.items():
        if kind == "following":
            assert after.right >= before.right, f"{name}: {before} → {after}"
            if name in ("merchant", "total"):
                assert after.right == after.total, f"{name} after one correction: {after}"
        else:
            assert after.right == before.right, f"{name} of an issuer nobody corrected changed: {before} → {after}"
