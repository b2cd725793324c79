(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=state]"));
  var select = document.getElementById("check");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.unit"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.article"));
  function apply() {
    var states = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var check = select.value;
    var count = 0;
    rows.forEach(function (row) {
      var checks = row.getAttribute("data-checks").split(" ").filter(Boolean);
      var visible = states.indexOf(row.getAttribute("data-state")) >= 0 &&
        (check === "" || (check === "*" ? checks.length > 0 : checks.indexOf(check) >= 0));
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("tr.unit:not([hidden])");
    });
    shown.textContent = count + " of " + rows.length + " units shown";
  }
  var order = document.getElementById("order");
  function confidence(row) {  // machine units without one, and reviewed units, come last
    var value = row.getAttribute("data-confidence");
    return value === "" ? 101 : Number(value);
  }
  function arrange() {
    var lowest = order.value === "confidence";
    Array.prototype.slice.call(document.querySelectorAll("section.article tbody")).forEach(function (body) {
      var list = Array.prototype.slice.call(body.querySelectorAll("tr.unit"));
      list.sort(function (a, b) {
        return (lowest ? confidence(a) - confidence(b) : 0) ||
          Number(a.getAttribute("data-number")) - Number(b.getAttribute("data-number"));
      });
      list.forEach(function (row) { body.appendChild(row); });
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  select.addEventListener("change", apply);
  order.addEventListener("change", arrange);
  apply();
}());
