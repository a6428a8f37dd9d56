"""The application layer: each command's orchestration, from specs to a finished result.

``fit`` (svd, nmf), ``sweep``, ``models`` (show, infer) each take specs (topiccli.specs),
check every option before reading any data (UsageError, exit 2), run the stages below them
(corpus → vectorize → factorize → topics/quality) and return plain results for a renderer.
Nothing here knows Typer or rich; progress reaches a caller's display through a duck-typed
``progress`` object (see ``stages.Stages``). Nothing below this layer imports it.
"""
