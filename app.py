"""The web app (Gradio). Filled in by the assistant work."""
