"""The bot: channels, the request pipeline, the worker and its periodic jobs."""
