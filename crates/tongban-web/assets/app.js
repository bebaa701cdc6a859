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
