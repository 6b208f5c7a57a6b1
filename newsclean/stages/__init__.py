"""The chain's stages: extract → clean → title → language → date → dedup → record."""
from newsclean.stages.base import Stage

__all__ = ["Stage"]
