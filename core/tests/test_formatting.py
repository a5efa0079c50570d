from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import money


@pytest.mark.parametrize("value,shown", [(Decimal("407800"), "$407,800.00"), (Decimal("-1000"), "-$1,000.00"),
                                         ("1794000000.00", "$1,794,000,000.00"), (None, "—"),
                                         (Decimal("0.005"), "$0.01"), (12, "$12.00")])
def test_money(value, shown):
    assert money(value) == shown


def test_every_template_has_the_money_filter():
    assert Template("{{ x|money }}").render(Context({"x": Decimal("1234.5")})) == "$1,234.50"
