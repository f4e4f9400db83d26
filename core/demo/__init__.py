"""Realistic, deterministic demo data at scale (``ardesk demo-data``).

* ``generate.DemoSpec`` and ``generate.generate``: what to make and the batches of rows;
* ``load.load_demo(db, spec)``: migrate, refuse a database holding data (unless appending),
  generate and load with ``core.bulkload``, reporting progress;
* ``accounts`` (customers and contacts), ``documents`` (invoices, lines, payments: the hot
  loop), ``names`` and ``numbering`` (the pools and the ERP number styles), ``storage`` (the
  stored form of each value), ``producer`` (the child process that generates large sets).

Same seed and same as-of date, same rows: dates are relative to the as-of date (``--as-of``,
today by default), so runs on different days differ unless it is given.
"""
