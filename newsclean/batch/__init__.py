"""The local-file batch feeder behind ``newsclean clean``.

feeder.py (paths, folders, .gz, .jsonl, stdin → tasks; tasks → working items),
decode.py (bytes → text), runner.py (worker processes + the parent's stages, in
input order), summary.py (the end-of-run report). cli.py wires them to the
exporters in newsclean/export.py.
"""
