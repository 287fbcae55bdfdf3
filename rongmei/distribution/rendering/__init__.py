"""Each channel renders the story body in its own markup: one module per markup (WeChat HTML, plain text …)."""
