"""The narration: one line of structured text per step, derived from the recorded events."""

from __future__ import annotations

from core import fmt
from core.explain import backward_step, forward_step
from core.stepper import BackwardEvent, Event, ForwardEvent, StepPass
from core.text import Line, Role, Run, line
from core.update_text import update_lines


def narrate(event: Event, index: int, step_pass: StepPass, decimals: int) -> Line:
    """One line for one event, numbered F1…, B1…, U1… within its phase."""
    graph = step_pass.graph
    if isinstance(event, ForwardEvent):
        return line(f"F{index + 1}  ", *_forward(step_pass, event, decimals))
    if isinstance(event, BackwardEvent):
        return line(f"B{index - step_pass.end_of_forward + 1}  ", *_backward(step_pass, event, decimals))
    label = graph[event.node].label
    lines = update_lines(label, graph.root.label, event, step_pass, decimals)
    joined = [run for k, ln in enumerate(lines) for run in ((Run(";  "),) if k else ()) + ln]
    return line(f"U{index - step_pass.end_of_backward + 1}  ", *joined)


def _forward(step_pass: StepPass, event: ForwardEvent, decimals: int) -> Line:
    step = forward_step(step_pass, event.node)
    runs = [Run(step.label, Role.LABEL)]
    if step.symbolic:
        runs += [Run(" = "), Run(step.symbolic, Role.FORMULA)]
    if step_pass.graph.kind.scalar:
        runs += [Run(" = "), Run(step.numeric(lambda v: fmt.arg(v, decimals)))]
    runs += [Run(" = "), Run(fmt.value(step.value, decimals), Role.FORWARD)]
    if not step_pass.graph.kind.scalar:
        runs.append(Run(f"  ({fmt.shape(step.value)})"))
    return tuple(runs)


def _backward(step_pass: StepPass, event: BackwardEvent, decimals: int) -> Line:
    step = backward_step(step_pass, event)
    runs = [
        Run(f"{step.symbol} "),
        Run(step.label, Role.LABEL),
        Run(": upstream "),
        Run(fmt.value(step.upstream, decimals), Role.BACKWARD),
    ]
    if step.sends_upstream_to_each:
        names = ", ".join(s.to for s in step.sendings)
        sent = fmt.value(step.sendings[0].sent, decimals)
        return line(*runs, " × local 1 → sends ", Run(sent, Role.BACKWARD), f" to each of {names}")
    for k, s in enumerate(step.sendings):
        runs.append(Run("; " if k else " "))
        sent = Run(fmt.value(s.sent, decimals), Role.BACKWARD)
        if s.elementwise:
            runs += [
                Run("× local "),
                Run(s.local_formula, Role.FORMULA),
                Run(" = "),
                Run(fmt.value(s.local, decimals), Role.BACKWARD),
                Run(" → sends "),
                sent,
                Run(" to "),
                Run(s.to, Role.LABEL),
            ]
        else:
            runs += [
                Run("→ sends "),
                Run(s.send_formula, Role.FORMULA),
                Run(" = "),
                sent,
                Run(" to "),
                Run(s.to, Role.LABEL),
            ]
    return tuple(runs)
