"""XML schema (XSD) checks of the e-invoices ardesk builds, against the files pinned in
``schemas/`` (nothing is fetched): a builder's output that fails its schema is never served."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
XSD = {
    "cii": SCHEMAS / "cii" / "Factur-X_EN16931.xsd",
    "ubl-invoice": SCHEMAS / "ubl" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "ubl-creditnote": SCHEMAS / "ubl" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}


class SchemaError(ValueError):
    """The XML does not follow its schema; the message lists the first problems."""


@cache
def _schema(name: str) -> etree.XMLSchema:
    # No network: a schema that imports a URL fails here rather than reaching out.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(XSD[name]), parser))


def check(xml: bytes, schema: str) -> None:
    """Raise SchemaError unless ``xml`` is valid against ``schema`` (a key of ``XSD``)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.fromstring(xml, parser)
    validator = _schema(schema)
    if not validator.validate(document):
        problems = "; ".join(str(error.message) for error in list(validator.error_log)[:5])
        raise SchemaError(f"{schema}: {problems}")
