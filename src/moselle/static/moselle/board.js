// The pipeline board: drag a case card to another column to move it. The buttons on each card do the
// same without JavaScript; this only adds the drag. A move back asks for its reason, as the button does.
(function () {
  "use strict";
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board .card[data-move]");
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-move"));
  });
  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest && event.target.closest(".board-column")) { event.preventDefault(); }
  });
  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!dragged || !column) { return; }
    event.preventDefault();
    var stage = column.getAttribute("data-stage");
    var from = dragged.getAttribute("data-stage");
    var card = dragged;
    dragged = null;
    if (stage === from) { return; }
    var stages = Array.prototype.map.call(document.querySelectorAll(".board-column"), function (c) {
      return c.getAttribute("data-stage");
    });
    var values = { stage: stage, from: "board" };
    if (stages.indexOf(stage) < stages.indexOf(from)) {
      var reason = window.prompt(card.closest(".board").getAttribute("data-reason-prompt") || "");
      if (!reason) { return; }
      values.reason = reason;
    }
    var query = new URLSearchParams(card.closest(".board").getAttribute("data-query") || "");
    query.forEach(function (value, key) { values[key] = value; });
    window.htmx.ajax("POST", card.getAttribute("data-move"), { source: card, target: "#board", swap: "outerHTML", values: values });
  });
})();
