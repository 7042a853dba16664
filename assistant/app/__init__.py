"""Stage 6: the Gradio app for officers and reviewers, with login, roles and a tamper-evident audit trail."""
