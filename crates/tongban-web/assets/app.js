// Progressive enhancement only: every page works without this file.
// Submitting a filter form when a select changes saves a click for keyboard and mouse users
// alike, but only where the form opts in, so screen-reader users are not surprised.
document.addEventListener("change", function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
    form.submit();
  }
});
