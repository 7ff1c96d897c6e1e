"""The kernel every stage stands on: errors, resilience, cassettes, prompt fencing, durations, AWS identity.

It imports no other Cloud Doctor package; every other package may import it.
"""

from __future__ import annotations

from kernel.errors import CloudDoctorError, InputError, Problem

__all__ = ["CloudDoctorError", "InputError", "Problem"]
