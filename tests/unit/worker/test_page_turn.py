"""A page's boxes read upright, put back on the page as it was given: the point under a pixel of the upright
page is the point under the same pixel of the page turned 90, 180 or 270 degrees clockwise."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from services.worker.engine.orientation import to_given, upright

GIVEN_TURN = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_point_of_the_upright_page_lands_on_the_same_ink_of_the_given_page(turn):
    page = np.zeros((60, 100, 3), np.uint8)  # upright: 100 wide, 60 high
    page[10, 70] = 255  # one inked pixel, at x 70, y 10 (its centre: 70.5, 10.5)
    given = cv2.rotate(page, GIVEN_TURN[turn])
    assert np.array_equal(upright(given, turn), page)
    x, y = to_given((70.5, 10.5), turn, (100, 60))
    assert given[int(y), int(x)].max() == 255
