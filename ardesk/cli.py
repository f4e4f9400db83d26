"""The `ardesk` command: the one place that wires every package together."""
