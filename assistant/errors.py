"""User-facing errors. The CLI turns these into one-line messages; nothing else should."""


class AssistantError(Exception):
    """Base class for errors shown to the user as a message, not a traceback."""


class LoadError(AssistantError):
    """A file could not be read or parsed into a document."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class SkipFile(LoadError):
    """A file that is not a document we handle (unknown extension, manifest...)."""


class DuplicateDocument(LoadError):
    """The same content is already ingested under another name."""


class IndexError_(AssistantError):
    """The index directory is missing, corrupt or built with another embedder."""


class EmbedderError(AssistantError):
    """An embedder could not be loaded or failed to embed."""
