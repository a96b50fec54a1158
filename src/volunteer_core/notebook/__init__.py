"""Notebook support: the HTML of ``_repr_html_`` (:mod:`volunteer_core.notebook.html`) and the charts
(:mod:`volunteer_core.notebook.plot`, optional extra ``plot``: matplotlib and the CJK font), which show
themselves in Jupyter with no magic. docs/notebook.md walks through a year.

Importing this package imports neither module: the core's ``_repr_html_`` and ``to_dataframe`` import
the HTML module when a notebook asks, and the charts need matplotlib.

>>> import volunteer_core.notebook
>>> volunteer_core.notebook.__name__
'volunteer_core.notebook'
"""

__all__: list[str] = []
