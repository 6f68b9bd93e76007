"""Duplex: compile and simulate LLM inference on PIM devices from Python.

>>> import duplex
>>> report = duplex.simulate("mixtral-8x7b", device="duplex", devices=4,
...                          batch=32, lin=256, lout=256, closed_loop=True,
...                          requests=64, seed=3)
>>> report["throughput_tokens_per_s"]

The functions mirror the ``duplexc`` subcommands and return what
``duplexc ... --json`` prints, as dicts and lists. Plotting helpers are in
:mod:`duplex.plot` (matplotlib). See docs/python.md.
"""

from ._api import (DuplexError, Latency, SimulationReport, compile,
                   load_device, models, simulate, stats)
from ._plan import plan
from ._sweep import sweep

__version__ = "0.1.0"
__all__ = ["DuplexError", "Latency", "SimulationReport", "compile",
           "load_device", "models", "plan", "simulate", "stats", "sweep"]
