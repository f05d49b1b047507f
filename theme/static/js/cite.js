/* Copy buttons for the "Cite this brief" references. Progressive
   enhancement: the references are plain text anyone can select; this adds
   a button after each one where the browser offers the Clipboard API, and
   says in a status line whether copying worked. It finds the references
   by data-pb= and data-style=, never by class: a brief's body may write any
   class (a decoy `.cite` of its own), but no data-* attribute. */
(function () {
  "use strict";
  var section = document.querySelector('[data-pb="cite"]');
  if (!section || !navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  var status = document.createElement("p");
  status.className = "cite__status";
  status.setAttribute("role", "status");
  section.appendChild(status);
  var texts = section.querySelectorAll("[data-style]");
  Array.prototype.forEach.call(texts, function (text) {
    var style = text.getAttribute("data-style");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cite__copy";
    button.textContent = "Copy the " + style + " reference";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text.textContent.trim()).then(
        function () {
          status.textContent = style + " reference copied.";
        },
        function () {
          status.textContent = "Copying failed; select the text instead.";
        }
      );
    });
    text.parentNode.insertBefore(button, text.nextSibling);
  });
})();
