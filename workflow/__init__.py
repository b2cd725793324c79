"""workflow: English news bulletins to reviewed, published translations."""

__version__ = "0.1.0"
