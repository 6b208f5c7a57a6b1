"""Imported by the crawl pool's fork server only, before it forks any worker.

It sets up the crawl's stages once and runs the warm-up page
(:func:`newsclean.pipelines.warm_up_in_fork_server`), so every worker forked
from the server inherits loaded language profiles, date patterns and rule packs
instead of loading them itself. Never imported by the crawl process.
"""
try:
    from newsclean.pipelines import warm_up_in_fork_server

    warm_up_in_fork_server()
except Exception:  # only a speed-up: the fork server must start even if it fails (workers set up anyway)
    pass
