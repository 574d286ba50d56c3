"""Charts are accessible SVG: a title and a description naming every value, a bar per figure
shown, a withheld figure named, not drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pathways.reporting.charts import Bar, Chart, svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_a_chart_names_its_figures_and_draws_a_bar_for_each_shown() -> None:
    drawing = ET.fromstring(  # noqa: S314 - our own SVG
        svg(
            Chart(
                "Age profile (%)",
                "%",
                [Bar("16 to 25", 25.0), Bar("26 to 35", 50.0), Bar("66 & over", None)],
            )
        )
    )
    assert drawing.get("role") == "img"
    title_id, desc_id = drawing.get("aria-labelledby").split()
    assert drawing.find("svg:title", NS).get("id") == title_id
    assert drawing.find("svg:title", NS).text == "Age profile (%)"
    desc = drawing.find("svg:desc", NS)
    assert desc.get("id") == desc_id
    assert desc.text == (
        "16 to 25: 25%; 26 to 35: 50%; not shown (suppressed or not known): 66 & over"
    )
    widths = [float(rect.get("width")) for rect in drawing.findall("svg:rect", NS)]
    assert len(widths) == 2 and widths[1] == 2 * widths[0]
    texts = [t.text for t in drawing.findall("svg:text", NS)]
    assert "[c] not shown" in texts and "50%" in texts


def test_a_target_is_marked_and_named() -> None:
    drawing = ET.fromstring(svg(Chart("Started", "", [Bar("Households started", 40, 80)])))  # noqa: S314
    assert drawing.find("svg:desc", NS).text == "Households started: 40 (target 80)"
    assert len(drawing.findall("svg:line", NS)) == 1
