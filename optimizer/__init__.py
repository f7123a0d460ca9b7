"""iop-roster: weekly roster optimizer for IOP and PHP behavioral-health programs."""

__version__ = "0.1.0"
