"""Fargate takes only certain task cpu/memory pairs: a doubled memory (or CPU) keeps the pair valid by raising the
other side to the smallest size that admits it (AWS's task-size table), written where that value lives."""

from __future__ import annotations

from prescribers._edits import Edit, replace_literal
from prescribers._hcltext import unquote
from prescribers.tfindex import Block, Located, TerraformIndex

# cpu units → the memory (MiB) Fargate accepts with it
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}


def valid_pair(cpu: int, memory: int) -> bool:
    return memory in FARGATE_SIZES.get(cpu, ())


def fit(cpu: int, memory: int, raised: str) -> tuple[int, int] | None:
    """The nearest valid pair keeping the raised side: a larger cpu for more memory, more memory for a larger cpu."""
    if raised == "memory":
        cpus = [c for c, sizes in FARGATE_SIZES.items() if c >= cpu and memory in sizes]
        return (min(cpus), memory) if cpus else None
    sizes = [m for m in FARGATE_SIZES.get(cpu, ()) if m >= memory]
    return (cpu, min(sizes)) if sizes else None


def keep_pair_valid(
    index: TerraformIndex, block: Block, edits: list[Edit], raised: str
) -> tuple[list[Edit] | None, str]:
    """The extra edit (and its note) a Fargate task needs so its pair stays valid; none when the pair is valid or
    the task is not Fargate's; None (and why) when no Fargate size takes the raised value."""
    if block.type != "aws_ecs_task_definition" or "FARGATE" not in index.text(block):
        return [], ""
    cpu_at, memory_at = index.locate(block, block.node, "cpu"), index.locate(block, block.node, "memory")
    if cpu_at is None or memory_at is None or cpu_at.span is None or memory_at.span is None:
        return [], ""
    cpu, memory = _after(cpu_at, edits), _after(memory_at, edits)
    before = unquote(cpu_at.span.value), unquote(memory_at.span.value)
    if not all(v.isdigit() for v in (cpu, memory, *before)) or not valid_pair(*map(int, before)):
        return [], ""  # sizes we cannot read, or a pair Fargate would not run now: not ours to judge
    if valid_pair(int(cpu), int(memory)):
        return [], ""
    pair = fit(int(cpu), int(memory), raised)
    if pair is None:
        return None, f"{block.address}: no Fargate size takes cpu {cpu} with memory {memory}"
    other, key = (cpu_at, "cpu") if raised == "memory" else (memory_at, "memory")
    assert other.span is not None
    value = str(pair[0] if raised == "memory" else pair[1])
    note = f"{key} {unquote(other.span.value)} → {value}{other.where(block)} (the smallest Fargate size for it)"
    return [replace_literal(other.file, other.span, value)], note


def _after(at: Located, edits: list[Edit]) -> str:
    """The value at `at` once `edits` apply."""
    assert at.span is not None
    edit = next((e for e in edits if e.file == at.file and e.start == at.span.start), None)
    return unquote(edit.text if edit else at.span.value)
