"""Demo data generator: one coherent sales company exported as Zoho CRM, Fxiaoke and spreadsheets.

    from demo import generate, truth
    manifest = generate(Path("warehouse/landing"), scale=1.0, seed=42)   # files
    t = truth(scale=1.0, seed=42)                                          # the same records as DataFrames
"""
from .exports import Manifest, ManifestEntry, generate
from .truth import Truth, truth

__all__ = ["Manifest", "ManifestEntry", "Truth", "generate", "truth"]
