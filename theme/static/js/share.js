/* "Copy link" for "Share this brief". Progressive enhancement: the brief's
   public address is a plain link anyone can copy from the browser; where
   the browser offers the Clipboard API this adds a button that copies it,
   and says in a status line whether copying worked. The link is found by
   its data-pb= hook, which no brief's body can write (a class it can). */
(function () {
  "use strict";
  var link = document.querySelector('[data-pb="permalink"]');
  if (!link || !navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  var address = link.getAttribute("data-address");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "share__copy";
  button.textContent = "Copy link";
  var status = document.createElement("span");
  status.className = "share__status";
  status.setAttribute("role", "status");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(address).then(
      function () {
        status.textContent = "Link copied.";
      },
      function () {
        status.textContent = "Copying failed; copy the link instead.";
      }
    );
  });
  link.parentNode.appendChild(button);
  link.parentNode.appendChild(status);
})();
