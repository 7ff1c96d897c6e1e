"""Cost per diagnosis with Gemini and Claude, from the prompts Cloud Doctor actually sends.

Usage: python bench/bench_cost.py [--gemini-in 0.30 --gemini-out 2.50 --claude-in 3 --claude-out 15]
For every example bundle it renders the exact Gemini and Bedrock requests (no network), counts their
tokens with the README's estimator (ceil(chars / 3.5)), takes the answer's size from what the offline
engines produce for the same incident (the diagnosis JSON; the whole changed files of the fix), and
prices them per million tokens (defaults: on-demand list prices of gemini-2.5-flash on Vertex AI and
Claude Sonnet 4 on Bedrock, USD).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers import Hypothesis, estimate_tokens  # noqa: E402
from analyzers.gemini import RESPONSE_SCHEMA, prompts  # noqa: E402
from bot.pipeline import collect_bundle, diagnose  # noqa: E402
from prescribers.bedrock import TOOL, first_turn, system_prompt  # noqa: E402
from prescribers.locator import locate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gemini-in", type=float, default=0.30)
    parser.add_argument("--gemini-out", type=float, default=2.50)
    parser.add_argument("--claude-in", type=float, default=3.00)
    parser.add_argument("--claude-out", type=float, default=15.00)
    args = parser.parse_args()
    rows = []
    for bundle in sorted((ROOT / "examples" / "incidents").glob("*/incident.json")):
        evidence = collect_bundle(bundle.parent)
        report = diagnose(evidence)
        d = report.diagnosis
        candidates = [Hypothesis(d.category, d.resource, d.confidence), *d.hypotheses]
        system, user = prompts(report.digest, candidates)
        g_in = estimate_tokens(system + user + json.dumps(RESPONSE_SCHEMA))
        g_out = estimate_tokens(json.dumps(d.to_json()))
        c_in = c_out = 0
        if evidence.terraform_dir and report.prescription.fix is not None:
            c_in = estimate_tokens(system_prompt() + first_turn(d, locate(evidence, d)) + json.dumps(TOOL))
            c_out = estimate_tokens(json.dumps(report.prescription.fix.files)) + 60
        cost = (g_in * args.gemini_in + g_out * args.gemini_out + c_in * args.claude_in + c_out * args.claude_out) / 1e6
        rows.append((bundle.parent.name, g_in, g_out, c_in, c_out, cost))
    print(f"{'bundle':<22} {'gemini in':>9} {'out':>5} {'claude in':>9} {'out':>5} {'USD':>8}")
    for name, g_in, g_out, c_in, c_out, cost in rows:
        print(f"{name:<22} {g_in:>9} {g_out:>5} {c_in:>9} {c_out:>5} {cost:>8.4f}")
    costs = [r[5] for r in rows]
    print(
        f"mean cost per incident: ${sum(costs) / len(costs):.4f}; max ${max(costs):.4f} "
        f"(gemini ${args.gemini_in}/${args.gemini_out}, claude ${args.claude_in}/${args.claude_out} per 1M tokens)"
    )


if __name__ == "__main__":
    main()
