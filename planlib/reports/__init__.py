"""Reports: the templates and their parameters, the batch runner, HTML and PDF rendering.

The top layer: it may import every other layer; nothing below imports it.
"""
