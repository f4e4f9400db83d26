"""The EN 16931 business rules (Schematron compiled to XSLT, pinned under core/documents/schemas)
run with Saxon-HE from Python: the failed assertions of a document, empty when it passes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lxml import etree
from saxonche import PySaxonProcessor

from core.documents.schema_check import SCHEMAS

RULES = {
    "cii": SCHEMAS / "cii" / "FACTUR-X_EN16931.xslt",
    "ubl": SCHEMAS / "ubl" / "EN16931-UBL-validation.xslt",
}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@dataclass(frozen=True)
class Failure:
    rule: str
    flag: str  # fatal or warning
    text: str


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _executable(name: str):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(RULES[name]))


def failures(xml: bytes, rules: str) -> list[Failure]:
    """Every fatal failed assertion of the rule set ``rules`` ("cii" or "ubl") on ``xml``."""
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = _executable(rules).transform_to_string(xdm_node=document)
    root = etree.fromstring(report.encode("utf-8"))
    found = []
    for node in root.iterfind(".//svrl:failed-assert", SVRL):
        text = " ".join("".join(node.itertext()).split())
        found.append(Failure(node.get("id", ""), node.get("flag", "fatal"), text))
    return [f for f in found if f.flag != "warning"]
