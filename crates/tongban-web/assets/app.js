// Progressive enhancement only: every page works without this file.
// Submitting a filter form when a select changes saves a click for keyboard and mouse users
// alike, but only where the form opts in, so screen-reader users are not surprised.
document.addEventListener("change", function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
    form.submit();
  }
});

// Completions while typing in a search box that names its <datalist> (data-suggest): the
// browser shows them natively, so keyboards and screen readers get the usual behaviour.
(function () {
  var timer = null;
  var asked = "";
  document.addEventListener("input", function (event) {
    var input = event.target;
    var listId = input.getAttribute && input.getAttribute("data-suggest");
    if (!listId) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var typed = input.value.trim();
      if (!typed || typed === asked) return;
      asked = typed;
      fetch("/api/v1/search/suggest?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          var list = document.getElementById(listId);
          if (!list || input.value.trim() !== typed) return;
          list.replaceChildren.apply(list, body.suggestions.map(function (name) {
            var option = document.createElement("option");
            option.value = name;
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();

// A common reason chosen from a list (data-fills names the reason and basis fields) fills
// them in, to be edited before sending; without this file the server fills what was left empty.
document.addEventListener("change", function (event) {
  var select = event.target;
  var targets = select.getAttribute && select.getAttribute("data-fills");
  if (!targets) return;
  var option = select.options[select.selectedIndex];
  var ids = targets.split(" ");
  var text = document.getElementById(ids[0]);
  var basis = document.getElementById(ids[1]);
  if (text) text.value = option.getAttribute("data-text") || "";
  if (basis) basis.value = option.getAttribute("data-basis") || "";
});

