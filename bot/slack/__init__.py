"""The Slack surface: listeners grouped by surface (slash commands, buttons), each with `register(app, bot)`;
Block Kit for a job's message; who may run and approve; the text of a command."""
