"""Spiders for `scrapy crawl`: articles, sitemap, feed."""
