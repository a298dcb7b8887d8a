// A live character counter under every input marked data-bw-counter (common/lengths.py).
// Progressive enhancement: the limit is already in the field's hint and enforced by the
// server; this only shows how much is left while typing. The wording comes from the
// page (data-bw-counter-text on the script tag), so it follows the page's language.
(function () {
  "use strict";
  var script = document.currentScript;
  var text = (script && script.getAttribute("data-bw-counter-text")) || "{n} / {max}";
  function attach(input) {
    var max = parseInt(input.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var out = document.createElement("div");
    out.className = "form-text bw-counter";
    if (input.id) { out.id = input.id + "_counter"; }
    input.insertAdjacentElement("afterend", out);
    function update() {
      out.textContent = text.replace("{n}", input.value.length).replace("{max}", max);
      out.classList.toggle("text-danger", input.value.length >= max);
    }
    input.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-bw-counter]").forEach(attach);
})();
