"""fupin (扶贫): the rural household registry and return-to-poverty monitoring system."""

__version__ = "0.1.0"
