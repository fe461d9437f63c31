"""The examples a segment's passes cover: counted pass by pass for the cost curve's points
(``_examples_in_each``) and for one pass count (``_examples_in``) they agree, and both agree with
walking the batches one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from core.session import _alignment, _examples_in, _examples_in_each


def walked(sizes: tuple[int, ...], start_example: int, count: int) -> list[int]:
    """Examples covered after each pass, stepping example by example through the epoch's batches."""
    ends = np.cumsum(sizes)
    covered, at, out = 0, start_example, []
    for _ in range(count):
        end = int(ends[np.searchsorted(ends, at, side="right")])  # the end of the batch ``at`` is in
        covered += end - at
        at = end % int(ends[-1])
        out.append(covered)
    return out


@pytest.mark.parametrize(
    "sizes", [(1,), (1,) * 7, (4, 4, 2), (3, 3, 3, 1), (5,), (2, 7, 1)], ids=lambda s: "-".join(map(str, s))
)
def test_each_pass_count_covers_the_examples_walked(sizes):
    for start_example in range(sum(sizes)):
        first, lead = _alignment(sizes, start_example)
        expected = walked(sizes, start_example, 3 * len(sizes) + 2)
        each = _examples_in_each(sizes, first, lead, len(expected))
        assert each.tolist() == expected
        assert [_examples_in(sizes, first, lead, k) for k in range(1, len(expected) + 1)] == expected
        assert _examples_in_each(sizes, first, lead, 0).tolist() == []
