(function () {
  "use strict";
  // Filters of the mtqa HTML report. Reads only the page's own data-* attributes: no article
  // text ever passes through this script. Without it, every flag and segment stays visible.
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  var RANK = { info: 0, minor: 1, major: 2, critical: 3 };
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var flags = Array.prototype.slice.call(document.querySelectorAll("li.flag"));
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark[data-flags]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("section.row"));
  var onlyFlagged = document.getElementById("only-flagged");
  var status = document.getElementById("filter-status");

  function wanted(kind) {
    var set = {};
    boxes.forEach(function (box) {
      if (box.getAttribute("data-filter") === kind && box.checked) { set[box.value] = true; }
    });
    return set;
  }

  function apply() {
    var categories = wanted("category");
    var severities = wanted("severity");
    var shown = {};
    var count = 0;
    flags.forEach(function (flag) {
      var severity = flag.getAttribute("data-severity");
      var show = categories[flag.getAttribute("data-category")] === true && severities[severity] === true;
      flag.hidden = !show;
      if (show) { shown[flag.getAttribute("data-flag")] = severity; count += 1; }
    });
    marks.forEach(function (mark) {
      var worst = null;
      mark.getAttribute("data-flags").split(" ").forEach(function (id) {
        var severity = shown[id];
        if (severity && (worst === null || RANK[severity] > RANK[worst])) { worst = severity; }
      });
      mark.className = worst === null ? "hl off" : "hl sev-" + worst;
    });
    rows.forEach(function (row) {
      var visible = row.querySelector("li.flag:not([hidden])") !== null;
      var list = row.querySelector("ol.flags");
      if (list) { list.hidden = !visible; }
      row.hidden = onlyFlagged !== null && onlyFlagged.checked && !visible;
    });
    if (status) { status.textContent = count + " of " + flags.length + " flags shown"; }
  }

  // On paper every <details> is open: a closed one would print its title and hide what it holds.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  if (onlyFlagged) { onlyFlagged.addEventListener("change", apply); }
  apply();
})();
