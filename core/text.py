"""Structured text: explanations as runs with roles, rendered as plain text, HTML or Markdown.

The narration and the chain-rule explanations are built once, here in core, as a
``Document``; a widget renders it as HTML in the theme's colours, the command line
as plain text, an export as Markdown. Meaning lives in the roles, not in the markup.
"""

from __future__ import annotations

import enum
import html as html_lib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class Role(enum.Enum):
    TEXT = "text"  # ordinary words
    LABEL = "label"  # a quantity's name: w11, ŷ, ∂L/∂w1
    FORMULA = "formula"  # a symbolic expression: ŷ(1−ŷ)
    FORWARD = "forward"  # a forward value (green on screen)
    BACKWARD = "backward"  # a gradient (red on screen)
    UPDATE = "update"  # an update line
    STRONG = "strong"  # a heading word inside a paragraph: Forward, Backward
    NOTE = "note"  # an aside: "not computed yet"


class BlockKind(enum.Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # consecutive items form one list


@dataclass(frozen=True)
class Run:
    text: str
    role: Role = Role.TEXT


Line = tuple[Run, ...]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...] = ()

    def __add__(self, other: Document) -> Document:
        return Document(self.blocks + other.blocks)


def line(*parts: str | Run) -> Line:
    """A line from runs, plain strings being ordinary text."""
    return tuple(p if isinstance(p, Run) else Run(p) for p in parts if (p.text if isinstance(p, Run) else p))


def heading(*parts: str | Run) -> Document:
    return Document((Block(BlockKind.HEADING, (line(*parts),)),))


def paragraph(*lines: Line) -> Document:
    return Document((Block(BlockKind.PARAGRAPH, tuple(lines)),))


def items(lines: Iterable[tuple[Line, ...]]) -> Document:
    """A list: each entry one item of one or more lines."""
    return Document(tuple(Block(BlockKind.ITEM, tuple(entry)) for entry in lines))


def join(documents: Iterable[Document]) -> Document:
    return Document(tuple(b for d in documents for b in d.blocks))


# -- renderers ---------------------------------------------------------------------------


def line_plain(runs: Line) -> str:
    return "".join(r.text for r in runs)


def plain(document: Document) -> str:
    """Plain text: one line per line, items bulleted, blocks apart."""
    out = []
    for block in document.blocks:
        texts = [line_plain(ln) for ln in block.lines]
        if block.kind is BlockKind.ITEM:
            texts = ["• " + texts[0], *("  " + t for t in texts[1:])]
        out.append("\n".join(texts))
    return "\n".join(out)


def markdown(document: Document) -> str:
    """Markdown: headings, paragraphs with hard line breaks, lists; values in bold."""
    out: list[str] = []
    previous = None
    for block in document.blocks:
        texts = ["".join(_markdown_run(r) for r in ln) for ln in block.lines]
        if block.kind is BlockKind.HEADING:
            text = "### " + " ".join(texts)
        elif block.kind is BlockKind.ITEM:
            text = "- " + "  \n  ".join(texts)
        else:
            text = "  \n".join(texts)
        sep = "\n" if block.kind is BlockKind.ITEM and previous is BlockKind.ITEM else "\n\n"
        out.append(text if not out else sep + text)
        previous = block.kind
    return "".join(out)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown_run(run: Run) -> str:
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", run.text)
    if run.role in (Role.FORWARD, Role.BACKWARD, Role.UPDATE, Role.STRONG) and text.strip():
        return f"**{text}**"
    if run.role is Role.NOTE and text.strip():
        return f"*{text}*"
    return text


_ATOM = re.compile(r"^[\w.,⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+$")


def operand(text: str) -> str:
    """``text`` as an operand: in parentheses unless it is a name, a number or a call (w1·x1 → (w1·x1))."""
    if _ATOM.match(text) or enclosed(text):
        return text
    return f"({text})"


def enclosed(text: str) -> bool:
    """Whether text is one call or one parenthesised group: f(…) or (…), with nothing after."""
    start = text.find("(")
    if start < 0 or not text.endswith(")") or not _ATOM.match(text[:start] or "x"):
        return False
    depth = 0
    for k, c in enumerate(text[start:], start):
        depth += (c == "(") - (c == ")")
        if depth == 0 and k != len(text) - 1:
            return False
    return True


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NUMBER = re.compile(r"^\(?(−?)([\d.,]+(?:e[+−-]?\d+)?)\)?$")  # as fmt.arg writes one: 0.500, (−1.157)


def fill(template: str, **args: str) -> str:
    """A formula template (``tanh({z})``, ``−{y} ln {p}``) with its placeholders replaced by labels or
    numbers, each number written as ``fmt.arg`` writes it (a negative one in parentheses).

    A call's own argument needs no parentheses of its own (tanh(−1.157), not tanh((−1.157))), and a
    minus sign in front of a number is applied to it: −y is 0.000 at y = 0 (not −0.000) and 2.000 at
    y = −2.
    """
    out: list[str] = []
    end = 0
    for match in _PLACEHOLDER.finditer(template):
        start, stop = match.span()
        before, after = template[:start], template[stop:]
        text = args[match.group(1)]
        number = _NUMBER.match(text)
        if number and before.endswith("−") and (start == 1 or template[start - 2] in "( "):
            sign, digits = number.groups()
            positive = sign or not any(c in "123456789" for c in digits.split("e")[0])
            out.append(template[end : start - 1])
            out.append(digits if positive else f"−{digits}")
        else:
            if before.endswith(("(", ", ")) and after.startswith((")", ",")) and enclosed(text) and text[0] == "(":
                text = text[1:-1]  # the call's parentheses are enough
            out.append(template[end:start])
            out.append(text)
        end = stop
    out.append(template[end:])
    return "".join(out)


_INDEX = re.compile(r"([A-Za-zŷŶαβ])(\d+(?:,\d+)?)")
_NAMED_INDEX = re.compile(r"([A-Za-zŷŶ])_([a-z]\b)")  # z_k


def math_html(text: str) -> str:
    """Escape and typeset: trailing indices as subscripts (w11 → w<sub>11</sub>, z_k → z<sub>k</sub>)."""
    # quote=False: an apostrophe escaped to &#x27; would have its "x27" made a subscript
    text = _INDEX.sub(r"\1<sub>\2</sub>", html_lib.escape(text, quote=False))
    return _NAMED_INDEX.sub(r"\1<sub>\2</sub>", text)


def html(document: Document, colours: Mapping[Role, str]) -> str:
    """HTML: labels and formulas typeset, values bold in the colour given for their role."""
    out: list[str] = []
    in_list = False
    for block in document.blocks:
        if in_list and block.kind is not BlockKind.ITEM:
            out.append("</ul>")
            in_list = False
        body = "<br>".join(line_html(ln, colours) for ln in block.lines)
        if block.kind is BlockKind.HEADING:
            out.append(f"<h3>{body}</h3>")
        elif block.kind is BlockKind.ITEM:
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{body}</li>")
        else:
            out.append(f"<p>{body}</p>")
    if in_list:
        out.append("</ul>")
    return "".join(out)


def line_html(runs: Line, colours: Mapping[Role, str]) -> str:
    return "".join(_html_run(r, colours) for r in runs)


def _html_run(run: Run, colours: Mapping[Role, str]) -> str:
    if run.role in (Role.LABEL, Role.FORMULA):
        return math_html(run.text)
    if run.role is Role.UPDATE:
        return f'<span style="color:{colours[run.role]}">{math_html(run.text)}</span>'
    text = html_lib.escape(run.text, quote=False)
    if run.role in (Role.FORWARD, Role.BACKWARD):
        return f'<span style="color:{colours[run.role]}; font-weight:600">{text}</span>'
    if run.role is Role.STRONG:
        return f"<b>{text}</b>"
    if run.role is Role.NOTE:
        return f"<i>{text}</i>"
    return text
