"""Stage 5: question → answer composed from retrieved clauses, every sentence tied to a verbatim citation."""
