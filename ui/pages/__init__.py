"""One module per route; each has `register(ctx)` that adds its page(s) to the app."""
