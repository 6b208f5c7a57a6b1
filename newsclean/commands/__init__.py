"""Scrapy commands of the newsclean project (COMMANDS_MODULE in settings.py)."""
