/* Wrap each table of a brief's body in a scrollable, focusable, labelled
   region so that wide tables scroll sideways on small screens and keyboard
   users can scroll them too. Progressive enhancement: without this script
   the table itself scrolls (see components.css). The body and the wrappers
   are found by data-pb= hooks, which no body can write (a class it can). */
(function () {
  "use strict";
  var tables = document.querySelectorAll('[data-pb="body"] table');
  Array.prototype.forEach.call(tables, function (table, index) {
    if (table.parentElement.getAttribute("data-pb") === "table-scroll") {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    wrapper.setAttribute("data-pb", "table-scroll");
    wrapper.setAttribute("role", "region");
    wrapper.tabIndex = 0;
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
    wrapper.setAttribute(
      "aria-label",
      "Table " + (index + 1) + (label ? ": " + label : "") + " (scrollable)"
    );
    table.parentNode.insertBefore(wrapper, table);
    wrapper.appendChild(table);
  });
})();
