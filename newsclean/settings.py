"""Scrapy settings for newsclean; the batch feeder and the API read them too.

Everything newsclean-specific is prefixed NEWSCLEAN_. Override per run with
``-s NAME=VALUE`` (scrapy) or ``--set NAME=VALUE`` (newsclean clean).
"""
BOT_NAME = "newsclean"
SPIDER_MODULES = ["newsclean.spiders"]
NEWSPIDER_MODULE = "newsclean.spiders"

# The chain. The batch feeder and the API build it from this same setting
# (newsclean.chain.build_chain), so crawl and batch run the same stages.
ITEM_PIPELINES = {
    "newsclean.stages.extract.ExtractStage": 100,
    "newsclean.stages.clean.CleanStage": 200,
    "newsclean.stages.title.TitleStage": 300,
    "newsclean.stages.language.LanguageStage": 400,
    "newsclean.stages.dates.DateStage": 500,
    "newsclean.stages.dedup.DedupStage": 600,
    "newsclean.stages.record.RecordStage": 900,
}

# --- extract (trafilatura) -------------------------------------------------
# Extra keyword arguments for trafilatura.bare_extraction.
NEWSCLEAN_EXTRACT_OPTIONS = {}

# --- clean (boilerplate) ---------------------------------------------------
# Rule packs to load (newsclean/boilerplate/packs/<code>.toml). Empty: all packs.
NEWSCLEAN_RULE_PACKS = []
# Extra folders holding <code>.toml packs (a user's own rules).
NEWSCLEAN_RULE_PACK_DIRS = []

# --- language ----------------------------------------------------------------
NEWSCLEAN_LANGUAGE_MIN_CHARS = 20
NEWSCLEAN_LANGUAGE_MAX_CHARS = 2000

# --- dedup -------------------------------------------------------------------
# Drop a document whose clean text equals an earlier one's in the same run.
NEWSCLEAN_DEDUP = True

# --- export ------------------------------------------------------------------
# Write each record's `removed` list (why each piece of text was cut).
NEWSCLEAN_EXPLAIN = False

# Scrapy's own feed exports also know Parquet (needs the `parquet` extra).
FEED_EXPORTERS = {
    "jsonl": "newsclean.export.JsonLinesRecordExporter",
    "jsonlines": "newsclean.export.JsonLinesRecordExporter",
    "csv": "newsclean.export.CsvRecordExporter",
    "parquet": "newsclean.export.ParquetRecordExporter",
}
FEED_EXPORT_ENCODING = "utf-8"

# --- crawling ------------------------------------------------------------------
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"
