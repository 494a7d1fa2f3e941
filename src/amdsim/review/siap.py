"""The report's SIAP section: each force's air picture by the SIAP family of measures, against the aims.

The measures are computed at the end of a run (:mod:`amdsim.tracking.siap`, summary.json's ``siap``
block); this only shows them, with the aims the project set: at most 0.2 track breaks per threat
held, a median position error below the raw measurement error of the sensors, a 95th percentile
under 1 km (SIAP SE TF Technical Report 2001-003 for the definitions).
"""

from __future__ import annotations

import html

#: (key, label, format, aim test or None)
ROWS = (
    ("threats_held", "threats held", "{:d}", None),
    ("completeness", "completeness (held / in scope)", "{:.3f}", None),
    ("ambiguity", "ambiguity (tracks per held threat)", "{:.3f}", None),
    ("spuriousness", "spuriousness (tracks on no threat)", "{:.3f}", None),
    ("track_breaks", "track breaks", "{:d}", None),
    ("breaks_per_threat", "breaks per threat held (aim <= 0.2)", "{:.2f}", lambda v, s: v <= 0.2),
    ("longest_segment", "longest track segment (fraction of span)", "{:.2f}", None),
    ("median_error_m", "median position error m (aim < raw)", "{:,.0f}",
     lambda v, s: s.get("raw_measurement_error_m") is not None and v < s["raw_measurement_error_m"]),
    ("raw_measurement_error_m", "raw measurement error m (median sqrt tr R)", "{:,.0f}", None),
    ("p95_error_m", "95th percentile error m (aim < 1,000)", "{:,.0f}", lambda v, s: v < 1000.0),
    ("rms_error_m", "RMS error m", "{:,.0f}", None),
)


def siap_section(summary: dict) -> str:
    """HTML: a heading, a note and one table (a row per measure, a column per force); "" without a siap block."""
    siap = summary.get("siap") or {}
    if not siap:
        return ""
    forces = list(siap)
    head = "<tr><th>measure</th>" + "".join(f"<th>{html.escape(f)}</th>" for f in forces) + "</tr>"
    body = []
    for key, label, fmt, aim in ROWS:
        cells = []
        for f in forces:
            v = siap[f].get(key)
            if v is None:
                cells.append("<td>-</td>")
                continue
            mark = "" if aim is None else (" &#10003;" if aim(v, siap[f]) else " &#10007;")
            cells.append(f"<td>{fmt.format(v)}{mark}</td>")
        body.append(f"<tr><td>{html.escape(label)}</td>{''.join(cells)}</tr>")
    note = ('<p class="note">Single Integrated Air Picture measures (SIAP SE TF 2001) of each force\'s own '
            "picture at the output rate; &#10003;/&#10007;: the project's aims.</p>")
    return f"<h3>Air picture (SIAP)</h3>{note}<table>{head}{''.join(body)}</table>"
