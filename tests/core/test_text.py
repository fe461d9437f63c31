"""Structured text: the narration and explanations are built in core and render as plain, HTML, Markdown."""

from __future__ import annotations

from core.explain import explain_node
from core.narration import narrate
from core.presets import load_preset
from core.session import Mode, Session
from core.text import Role, Run, heading, html, items, line, line_plain, markdown, paragraph, plain

COLOURS = {Role.FORWARD: "green", Role.BACKWARD: "red", Role.UPDATE: "purple"}


def _document():
    return (
        heading(Run("w11", Role.LABEL), " — param")
        + paragraph(line(Run("Forward", Role.STRONG)), line(Run("ŷ", Role.LABEL), " = ", Run("0.500", Role.FORWARD)))
        + items([(line("local ", Run("∂z/∂w1", Role.LABEL), " = ", Run("x1", Role.FORMULA)),), (line("b"),)])
    )


def test_plain_text_keeps_the_words_and_numbers():
    assert plain(_document()) == "w11 — param\nForward\nŷ = 0.500\n• local ∂z/∂w1 = x1\n• b"


def test_html_typesets_labels_and_colours_values_by_role():
    text = html(_document(), COLOURS)
    assert text.startswith("<h3>w<sub>11</sub> — param</h3>")
    assert '<span style="color:green; font-weight:600">0.500</span>' in text
    assert "<ul><li>local ∂z/∂w<sub>1</sub> = x<sub>1</sub></li><li>b</li></ul>" in text


def test_markdown_bolds_values_and_escapes_markup():
    text = markdown(_document() + paragraph(line("a*b_c")))
    assert text.splitlines()[0] == "### w11 — param"
    assert "ŷ = **0.500**" in text
    assert "- local ∂z/∂w1 = x1\n- b" in text
    assert text.endswith(r"a\*b\_c")


def test_narration_lines_carry_roles():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    s.to_end_of_forward()
    line_ = narrate(s.current.events[3], 3, s.current, 3)
    assert line_plain(line_) == "F4  ŷ = σ(z) = σ(0.000) = 0.500"
    assert [r.text for r in line_ if r.role is Role.FORWARD] == ["0.500"]
    assert [r.text for r in line_ if r.role is Role.LABEL] == ["ŷ"]


def test_a_parameters_explanation_renders_its_chain_as_plain_text():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    s.apply_update()
    text = plain(explain_node(s.current, s.state, "b1[0]", 3))
    assert "∂L/∂b = ∂z/∂b · ∂ŷ/∂z · ∂L/∂ŷ" in text
    assert "= 1.000 × 0.250 × 0.500 = 0.125" in text
    assert "b ← b − α·∂L/∂b = 0.000 − 1 × 0.125 = −0.125" in text
