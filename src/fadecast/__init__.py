"""fadecast: forecast how scalp micropigmentation (SMP) fades.

The package is a functional core of pure numpy functions per physical stage
(:mod:`fadecast.sun`, :mod:`fadecast.skin`), one orchestrator
(:mod:`fadecast.forecast`) and thin shells at the edges (:mod:`fadecast.cli`).
"""

__version__ = "0.1.0"
