"""What the browser is sent: the engine's runtime and its compressed copies (JS and CSS beside)."""
