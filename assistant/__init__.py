"""policy-assistant: Chinese policy and regulation knowledge assistant for investment-attraction work."""

__version__ = "0.1.0"
