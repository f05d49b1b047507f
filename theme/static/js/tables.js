/* Wrap each table of a brief's body in a box that scrolls sideways, so that
   wide tables scroll on small screens. While a table is wider than its box
   (and only then: a table that fits has nothing to scroll, and a tab stop
   and a landmark would only be in the way) the box is a focusable,
   labelled region, so that keyboard users can scroll it too; that is
   checked again whenever the box or the table changes size (a window
   resized or turned, fonts loaded). Progressive enhancement: without this
   script the table itself scrolls (see components.css). The body and the
   wrappers are found by data-pb= hooks, which no body can write (a class
   it can). */
(function () {
  "use strict";
  var tables = document.querySelectorAll('[data-pb="body"] table');
  var boxes = [];
  Array.prototype.forEach.call(tables, function (table, index) {
    if (table.parentElement.getAttribute("data-pb") === "table-scroll") {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    wrapper.setAttribute("data-pb", "table-scroll");
    var caption = table.querySelector("caption");
    var heading = null;
    var node = table.previousElementSibling;
    while (node && !heading) {
      if (/^H[2-6]$/.test(node.tagName)) {
        heading = node;
      }
      node = node.previousElementSibling;
    }
    var label = caption ? caption.textContent : heading ? heading.textContent : "";
    label = label.replace(/\s+/g, " ").trim();
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
    boxes.push({
      box: wrapper,
      table: table,
      label: "Table " + (index + 1) + (label ? ": " + label : "") + " (scrollable)",
      scrolls: null
    });
  });
  if (!boxes.length) {
    return;
  }

  function update() {
    boxes.forEach(function (entry) {
      var box = entry.box;
      // More than a pixel: widths are rounded.
      var scrolls = box.scrollWidth - box.clientWidth > 1;
      if (scrolls === entry.scrolls) {
        return;
      }
      entry.scrolls = scrolls;
      if (scrolls) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", entry.label);
        box.tabIndex = 0;
      } else {
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("tabindex");
      }
    });
  }

  update();
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(update);
    boxes.forEach(function (entry) {
      observer.observe(entry.box);
      observer.observe(entry.table);
    });
  } else {
    window.addEventListener("resize", update);
  }
})();
