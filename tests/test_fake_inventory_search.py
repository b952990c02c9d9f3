"""The fake's searches by a ``Contains`` ending scan only the numbers with that ending
(pure: no server). Whatever numbers go, a search must answer what a scan of the whole
inventory answers."""

from __future__ import annotations

import random

import pytest

from twilio_async.testing.available_api import _ending, search_filter
from twilio_async.testing.inventory import COUNTRIES, AvailableInventory, AvailableNumber

US = COUNTRIES["US"]


def full_scan(
    inventory: AvailableInventory, filters: dict[str, str], limit: int
) -> list[AvailableNumber]:
    keep = search_filter(filters)
    return [n for n in inventory.available(US, "local", ["415"]) if keep(n)][:limit]


@pytest.mark.parametrize(
    ("contains", "ending"),
    [("07$", "07"), ("*07$", "07"), ("4107$", "07"), ("FOO$", "66"), ("07", None),
     ("%77$", "77"), ("+1415*", None)],
)  # fmt: skip
def test_which_contains_values_give_an_ending(contains: str, ending: str | None) -> None:
    assert _ending({"Contains": contains}) == ending


@pytest.mark.parametrize("seed", range(5))
def test_searches_answer_what_a_full_scan_answers_as_numbers_go(seed: int) -> None:
    rng = random.Random(seed)
    inventory = AvailableInventory()
    inventory.size = 2000
    slices = [{"Contains": f"{n:02d}$"} for n in rng.sample(range(100), 6)]
    choices = [*slices, {"Contains": "*3107$"}, {}, {"SmsEnabled": "true"}, {"Contains": "55"}]
    for _ in range(200):
        filters = rng.choice(choices)
        limit = rng.choice([1, 5, 30])
        keep, ending = search_filter(filters), _ending(filters)
        found = inventory.search(US, "local", ["415"], keep, limit, ending)
        assert found == full_scan(inventory, filters, limit)
        # Buy some of what was found (not always the first) and some numbers no search saw.
        inventory.take(n.phone_number for n in found if rng.random() < 0.7)
        inventory.take(
            n.phone_number for n in inventory.available(US, "local", ["415"]) if rng.random() < 0.01
        )
