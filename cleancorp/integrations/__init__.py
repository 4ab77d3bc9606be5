"""Integrations with data engines: each is an optional extra, imported only when used.

- :mod:`cleancorp.integrations.ray`: Ray Data (``pip install 'cleancorp[ray]'``).
- :mod:`cleancorp.integrations.datatrove`: a datatrove pipeline step
  (``pip install 'cleancorp[datatrove]'``).
"""
