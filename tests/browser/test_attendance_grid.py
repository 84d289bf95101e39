"""The attendance grid of a class with many sessions, in a real browser:
the grid scrolls sideways and who each row is stays on one line (the unit
column was squeezed to one character a line, rows ~300 px tall)."""

from decimal import Decimal

import pytest

from tests.courses.factories import training_class
from tests.personnel.factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.browser


def test_many_sessions_keep_each_row_on_one_line(
    page, live_server, sign_in, trainer_account, province
):
    people = [
        CadreFactory(unit=province["chengguan"], name=f"学员{i}") for i in range(3)
    ]
    sessions = [(Decimal("4"), f"第{day}天{half}") for day in range(1, 6)
                for half in ("上午", "下午")]  # fmt: skip
    klass = training_class(
        organiser=province["root"],
        participants=people,
        sessions=sessions,
        hours=Decimal("40"),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("T0001", PASSWORD)
    page.goto(f"{live_server.url}/admin/courses/classes/{klass.pk}/attendance/")
    grid = page.locator("[data-testid=attendance-grid]")
    assert grid.locator("thead th").count() == 3 + 10
    unit = grid.locator("tbody tr").first.locator("td").nth(2)
    assert unit.inner_text() == province["chengguan"].name
    # Lines the unit's name takes (one rectangle per line box).
    lines = page.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el);
                   return r.getClientRects().length; }""",
        unit.element_handle(),
    )
    assert lines == 1
