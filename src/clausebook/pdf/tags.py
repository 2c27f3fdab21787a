"""Finish WeasyPrint's PDF/UA tagging where WeasyPrint 70 stops short.

WeasyPrint marks the text of the page's margin boxes (our running footer and
"Page N of M") with marked-content ids and builds structure elements for them,
but links those elements to nothing: its own comment says an Artifact in the
structure tree is only allowed in PDF 2.0. A reader of PDF/UA-1 then meets
content that is neither in the structure tree nor an artefact. Here that
content becomes what it is, a pagination artefact, and the unreachable
elements are dropped from the parent tree.

WeasyPrint also gives each link, as its text alternative, its bare target
("clause-4-4"); a link is given the words the print HTML gives it instead.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, Pdf


def reachable_elements(pdf: Pdf) -> set[tuple[int, int]]:
    """Every structure element reachable from the structure tree's root, by object id."""
    root = pdf.Root.get("/StructTreeRoot")
    seen: set[tuple[int, int]] = set()
    if root is None:
        return seen
    stack: list[Any] = [root.get("/K")]
    while stack:
        kid = stack.pop()
        if isinstance(kid, Array):
            stack.extend(kid)
        elif isinstance(kid, Dictionary) and kid.get("/Type") != "/OBJR" and kid.get("/Type") != "/MCR":
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            stack.append(kid.get("/K"))
    return seen


def parent_tree_pages(pdf: Pdf) -> Iterator[tuple[int, Array]]:
    """(page index, the array of structure elements by MCID) from the parent tree's flat number tree."""
    root = pdf.Root.get("/StructTreeRoot")
    nums = root.ParentTree.get("/Nums") if root is not None and "/ParentTree" in root else None
    if nums is None:
        return
    for position in range(0, len(nums), 2):
        key, value = int(nums[position]), nums[position + 1]
        if isinstance(value, Array) and key < len(pdf.pages):
            yield key, value


def finish_tagging(data: bytes, link_text: dict[str, str] | None = None) -> bytes:
    """The PDF with its margin boxes as artefacts and its links described by ``link_text``
    (a link's target, an anchor name or an address, to the words for it)."""
    with Pdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        changed = mark_margin_boxes_as_artifacts(pdf)
        changed = describe_links(pdf, link_text or {}) or changed
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def describe_links(pdf: Pdf, link_text: dict[str, str]) -> bool:
    changed = False
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != Name.Link:
                continue
            target = annotation.get("/Dest")
            if target is None and "/A" in annotation:
                target = annotation.A.get("/URI")
            words = link_text.get(str(target)) if target is not None else None
            if words:
                annotation.Contents = pikepdf.String(words)
                changed = True
    return changed


def mark_margin_boxes_as_artifacts(pdf: Pdf) -> bool:
    """Content tagged to unreachable elements re-marked as pagination artefacts."""
    reachable = reachable_elements(pdf)
    changed = False
    for index, elements in parent_tree_pages(pdf):
        orphans = {
            mcid
            for mcid, element in enumerate(elements)
            if isinstance(element, Dictionary) and element.objgen not in reachable
        }
        if not orphans:
            continue
        page = pdf.pages[index]
        instructions = pikepdf.parse_content_stream(page)
        for position, instruction in enumerate(instructions):
            operands, operator = instruction.operands, instruction.operator
            if operator != Operator("BDC") or len(operands) != 2:
                continue
            properties = operands[1]
            if isinstance(properties, Dictionary) and int(properties.get("/MCID", -1)) in orphans:
                artifact = Dictionary(Type=Name.Pagination, Subtype=Name.Footer)
                instructions[position] = pikepdf.ContentStreamInstruction(
                    [Name.Artifact, artifact], Operator("BDC")
                )
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        for mcid in orphans:
            elements[mcid] = None
        changed = True
    return changed
