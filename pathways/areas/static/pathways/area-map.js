// The choropleth made interactive where JavaScript runs (areas/maps.py draws it; without this
// script it is a map of links). Adds: zoom in, zoom out and reset buttons; dragging to pan;
// the LSOA under the pointer or keyboard focus named with its value beside the map. Clicking a
// shape follows its link to the LSOA's profile. Nothing is fetched: the boundaries are in the
// page, and no tiles are drawn.
(function () {
  "use strict";

  function start(figure) {
    var svg = figure.querySelector("svg.pathways-map");
    var detail = figure.querySelector(".pathways-map-detail");
    if (!svg || figure.hasAttribute("data-map-ready")) return;
    figure.setAttribute("data-map-ready", "");
    var original = svg.getAttribute("viewBox");
    var whole = original.split(" ").map(Number);
    var view = whole.slice();

    function show() {
      svg.setAttribute("viewBox", view.map(function (n) { return n.toFixed(1); }).join(" "));
    }
    function zoom(factor) {
      var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
      var w = Math.min(whole[2], Math.max(whole[2] / 20, view[2] * factor));
      var h = w * whole[3] / whole[2];
      view = [cx - w / 2, cy - h / 2, w, h];
      show();
    }

    var controls = document.createElement("div");
    controls.className = "pathways-map-controls";
    [["Zoom in", function () { zoom(0.66); }],
     ["Zoom out", function () { zoom(1.5); }],
     ["Show the whole area", function () { view = whole.slice(); svg.setAttribute("viewBox", original); }]
    ].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "govuk-button govuk-button--secondary govuk-!-margin-right-2 govuk-!-margin-bottom-2";
      button.textContent = pair[0];
      button.addEventListener("click", pair[1]);
      controls.appendChild(button);
    });
    svg.parentNode.insertBefore(controls, svg);

    function describe(event) {
      var shape = event.target.closest && event.target.closest("[data-code]");
      if (!shape && event.target.querySelector) shape = event.target.querySelector("[data-code]");
      if (!shape || !detail) return;
      var title = shape.querySelector("title");
      detail.textContent = title ? title.textContent : shape.getAttribute("data-code");
    }
    svg.addEventListener("mouseover", describe);
    svg.addEventListener("focusin", describe);

    // Drag to pan (a click without a drag still follows the link).
    var dragging = null, moved = false;
    svg.addEventListener("pointerdown", function (event) {
      dragging = { x: event.clientX, y: event.clientY, view: view.slice() };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragging) return;
      var box = svg.getBoundingClientRect();
      var dx = (event.clientX - dragging.x) / box.width, dy = (event.clientY - dragging.y) / box.height;
      if (Math.abs(dx) + Math.abs(dy) > 0.01) moved = true;
      if (!moved) return;
      view = [dragging.view[0] - dx * dragging.view[2], dragging.view[1] - dy * dragging.view[3], view[2], view[3]];
      show();
    });
    window.addEventListener("pointerup", function () { dragging = null; });
    svg.addEventListener("click", function (event) {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
    svg.addEventListener("keydown", function (event) {
      var keys = { "+": function () { zoom(0.66); }, "=": function () { zoom(0.66); },
                   "-": function () { zoom(1.5); } };
      if (keys[event.key]) { keys[event.key](); event.preventDefault(); }
    });
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 0.8 : 1.25);
    }, { passive: false });
  }

  document.querySelectorAll("[data-module='pathways-map']").forEach(start);
})();
