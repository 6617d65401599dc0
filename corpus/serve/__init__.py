"""Serving a folder of samples over HTTP on this machine, as `fathom serve` does.

Takes a folder; gives a server answering GET with each file at its path under
the folder (pages, their resources). Pages of a viewer can be added on top as
routes of the request handler (`server.SampleHandler.routes`).
"""
