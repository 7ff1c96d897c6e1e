"""The bot: settings, the CLI, the pipeline that wires the stages."""
