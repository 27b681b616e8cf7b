"""A small element builder on xml.etree, and the serialisations the formats need.

ElementTree escapes every text and attribute value, so edition text never reaches the markup
unescaped. Namespaced names (epub:type, xml:lang) are written as plain attributes with their
prefixes declared on the root element, which keeps the output readable and well-formed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def E(tag: str, attrs: dict | None = None, *children) -> ET.Element:
    """An element; attributes whose value is None are left out; children are text or elements."""
    node = ET.Element(tag, {k: str(v) for k, v in (attrs or {}).items() if v is not None})
    append(node, *children)
    return node


def append(node: ET.Element, *children) -> ET.Element:
    for child in children:
        if child is None:
            continue
        if isinstance(child, (list, tuple)):
            append(node, *child)
        elif isinstance(child, str):
            if len(node):
                node[-1].tail = (node[-1].tail or "") + child
            else:
                node.text = (node.text or "") + child
        else:
            node.append(child)
    return node


def html_document(root: ET.Element) -> str:
    """HTML5: void elements without end tags, script and style left as written."""
    return "<!DOCTYPE html>\n" + ET.tostring(root, encoding="unicode", method="html") + "\n"


def xml_document(root: ET.Element, doctype: str = "", indent: bool = False) -> str:
    """XML with declaration. Indent only documents without mixed text (it would add spaces)."""
    if indent:
        ET.indent(root)
    return XML_DECLARATION + (doctype + "\n" if doctype else "") + ET.tostring(root, encoding="unicode") + "\n"


def sentence_spans(block, *, with_times: bool = False) -> list[ET.Element]:
    """One span per sentence of a reading Block, addressable by its id (and timed, for the web page)."""
    from ...clock import seconds_text

    spans = []
    for s in block.sentences:
        attrs = {"id": s.id}
        if with_times:
            attrs["class"] = "s"
            if s.clip:
                attrs["data-start"] = seconds_text(s.clip.begin_ms)
                attrs["data-end"] = seconds_text(s.clip.end_ms)
        spans.append(E("span", attrs, s.text))
    return spans


def block_paragraph(block, css_class: str | None = None, *, with_times: bool = False) -> ET.Element:
    return E("p", {"id": block.id, "class": css_class}, sentence_spans(block, with_times=with_times))
