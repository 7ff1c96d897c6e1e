"""The incident thread: what a job keeps for it, questions answered from that, the postmortem, the feedback export."""
