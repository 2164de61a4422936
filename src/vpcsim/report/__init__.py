"""report: one report of an estate's paths to AWS services, their monthly cost, savings and reachability.

Public API:
- ``build_report(tx, volumes, *, book, matrix, port, progress)`` -> ``Report`` (engine.py): reads a state snapshot,
  never writes it; uses the data plane's traces (``control.analysis.run``) and the price book (``vpcsim.cost``);
- ``load_volumes(path)`` -> ``Volumes`` (volumes.py; ``VolumesError`` for a bad file), ``Volumes()`` the assumption;
- ``report_json(report)`` -> the JSON document (document.py, ``SCHEMA``; docs/report.md);
- ``text.render(doc, console)`` and ``html.render(report, doc)``: the terminal and the self-contained HTML forms.

Layering: above ``vpcsim.control`` (it runs the control plane's analysis) and below ``vpcsim.server``, which could
serve it.
"""

from vpcsim.report.document import SCHEMA, report_json
from vpcsim.report.engine import Report, build_report
from vpcsim.report.volumes import Volumes, VolumesError, load_volumes

__all__ = ["SCHEMA", "Report", "Volumes", "VolumesError", "build_report", "load_volumes", "report_json"]
