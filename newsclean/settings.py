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
# date_extraction_params: trafilatura's htmldate call runs in fast (markup/URL only)
# mode; the date stage reuses that date and runs the costly text search itself only
# for pages without one, so no page pays for date extraction twice.
NEWSCLEAN_EXTRACT_OPTIONS = {
    "date_extraction_params": {"original_date": True, "extensive_search": False, "deferred_url_extractor": True},
}
# Search the page markup for a byline when meta tags and JSON-LD name no author
# (trafilatura's extract_author: ~2.6 ms a page, noisy; see stages/extract.py).
NEWSCLEAN_AUTHOR_SEARCH = False

# --- clean (boilerplate) ---------------------------------------------------
# Rule packs to load (newsclean/boilerplate/packs/<code>.toml). Empty: all packs.
NEWSCLEAN_RULE_PACKS = []
# Extra folders holding <code>.toml packs (a user's own rules).
NEWSCLEAN_RULE_PACK_DIRS = []

# --- language ----------------------------------------------------------------
NEWSCLEAN_LANGUAGE_MIN_CHARS = 20
NEWSCLEAN_LANGUAGE_MAX_CHARS = 2000

# --- date --------------------------------------------------------------------
# htmldate's free-text search, for pages whose markup, URL and headline state no date:
# ~25 ms on each such page (~9 % of pages: ~2.4 ms a page on average, a sixth of the
# chain) and right on only 5 of the 9 dev pages with a gold date where it answered.
# Off: those pages get no date (or a sitemap/feed date) rather than a doubtful one.
NEWSCLEAN_DATE_EXTENSIVE = False

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

# Crawl-only settings below: the batch feeder and the API ignore them.
# A page where site owners learn about your crawl; it goes into USER_AGENT. Set it (-s NEWSCLEAN_CONTACT_URL=...) before crawling sites you do not own.
NEWSCLEAN_CONTACT_URL = "https://newsclean.invalid/contact"
USER_AGENT = "newsclean/0.1 (+{contact})"  # {contact} ← NEWSCLEAN_CONTACT_URL
# Commands: `scrapy crawl` here also accepts a repeated -a url=... (newsclean/commands).
COMMANDS_MODULE = "newsclean.commands"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many asyncio tasks for every response, however few items it yields;
# an article page yields one. 100 (Scrapy's default) cost the reactor ~0.45 ms a page.
CONCURRENT_ITEMS = 8
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024   # a news page larger than this is not an article
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# -a follow=REGEX follows in-domain links at most this many hops from a listed article
# (sitemap and feed levels do not count: their article requests start at depth 0).
DEPTH_LIMIT = 2
# Off-domain redirects are dropped with a logged reason.
# (50: before the robots.txt middleware, so nothing at all is fetched from the other site)
DOWNLOADER_MIDDLEWARES = {
    "newsclean.middlewares.OffDomainRedirectMiddleware": 50,
    # Scrapy's meta-refresh handling, minus a decode of every page in the reactor.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsclean.middlewares.MetaRefreshMiddleware": 580,
}
# Opt-in during development: -s HTTPCACHE_ENABLED=1 re-reads pages from disk.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = ".newsclean/httpcache"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]
# Export used when a crawl gets no -o/-O (FEEDS itself would be written *as well as* -O).
NEWSCLEAN_DEFAULT_FEEDS = {"out/%(name)s-%(time)s.jsonl": {"format": "jsonl"}}
# Dropped items (duplicates) are routine, not warnings; their log line names the page
# instead of printing the whole article, as Scrapy's own formatter does.
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
LOG_FORMATTER = "newsclean.logformatter.LogFormatter"

# CPU stages in a process pool during crawls (newsclean.pipelines.ProcessPoolStages):
# the spiders replace the CPU stages of ITEM_PIPELINES by the pool pipeline and list
# them here. Workers: 0 = one per usable core; -1 = run inline in the reactor process.
NEWSCLEAN_STAGES = []
NEWSCLEAN_WORKERS = 0
# Items go to the workers up to this many at a time, while the workers are busy (an idle
# worker gets what is there at once). One task per batch wakes the reactor process's threads
# once, not once per item (newsclean.pipelines.PoolBatches). 1: one item per task.
NEWSCLEAN_POOL_BATCH_SIZE = 4
# auto: on Linux `scrapy crawl` sets the stages up once and forks the workers from itself
# before Scrapy builds the crawler (no reactor threads yet), so they are ready when it opens;
# elsewhere, or when the crawl's settings turn out different, "forkserver": the stage
# modules are imported once in a clean server process the workers fork from. "spawn"
# where forkserver does not exist.
NEWSCLEAN_POOL_START_METHOD = "auto"
# Bytes of fetched pages the engine holds while they wait to be cleaned. Scrapy's 5 MB is
# about 30 news pages, which a fast site fills long before the pool's workers have started
# (about a second); with 32 MB (~200 pages) downloading goes on meanwhile.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32 * 1024 * 1024

# Incremental crawls: the SQLite state of exported URLs + content hashes.
# Off unless set (batch feeder, API); the spiders set it to NEWSCLEAN_CRAWL_STATE.
# `scrapy crawl ... -s NEWSCLEAN_STATE=` turns it off for one crawl.
NEWSCLEAN_STATE = ""
NEWSCLEAN_CRAWL_STATE = ".newsclean/state.sqlite"
