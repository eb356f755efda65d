"""The version of fadecast (the package's, not the model's: see ``MODEL_VERSION``)."""

__version__ = "0.1.0"
