"""newsclean: clean article records from news pages and text dumps.

>>> import newsclean
>>> record = newsclean.clean_text(open("seeds/001_14f27ea5e6b30604.txt").read())
"""
from newsclean.api import clean_html, clean_text

__version__ = "0.1.0"
__all__ = ["clean_html", "clean_text", "__version__"]
