// The patient finder: filters the pre-rendered schedules; the page works (and prints) without it.
(function () {
  "use strict";
  var input = document.getElementById("finder-query");
  var onlyShort = document.getElementById("finder-short");
  var count = document.getElementById("finder-count");
  var people = Array.prototype.slice.call(document.querySelectorAll("#patients .patient"));

  function apply() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    people.forEach(function (card) {
      var hit = (!query || card.dataset.search.indexOf(query) !== -1) &&
        (!onlyShort.checked || card.classList.contains("short"));
      card.hidden = !hit;
      if (hit) { shown += 1; }
    });
    document.body.classList.toggle("filtered", query !== "" || onlyShort.checked);
    count.textContent = shown === people.length
      ? people.length + " patients"
      : shown + " of " + people.length + " patients (printing prints these)";
  }

  // A link to one patient's schedule (from the shortfalls table) shows it even when filtered out.
  function reveal() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.classList.contains("patient")) { target.hidden = false; }
  }

  input.addEventListener("input", apply);
  onlyShort.addEventListener("change", apply);
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
