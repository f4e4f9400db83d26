"""Amounts at their currency's own precision, as the command line's JSON and exports write them."""

from decimal import Decimal

from core.money import in_currency


def test_amounts_take_their_currencys_decimals():
    assert str(in_currency(Decimal("1190.0000"), "EUR")) == "1190.00"
    assert str(in_currency(Decimal("-20.0000"), "USD")) == "-20.00"
    assert str(in_currency(Decimal("1190.0000"), "JPY")) == "1190"
    assert str(in_currency(Decimal("1.2345"), "KWD")) == "1.234"  # half to even, as banks round
