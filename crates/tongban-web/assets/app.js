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


// Uploads show their progress: a form marked data-progress is sent by XMLHttpRequest so the
// bar can follow it; the answer then replaces the page as a normal submission would. A
// redirect is followed; a refusal (the form again, with the error) is shown in place.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var box = form.querySelector && form.querySelector("[data-upload-progress]");
  if (!form.hasAttribute("data-progress") || !box || !window.FormData || event.defaultPrevented) return;
  event.preventDefault();
  var data = new FormData(form);
  var by = event.submitter;
  if (by && by.name) data.append(by.name, by.value);
  var bar = box.querySelector("progress");
  var said = box.querySelector("[role=status]");
  var buttons = form.querySelectorAll("button");
  buttons.forEach(function (b) { b.disabled = true; });
  box.hidden = false;
  var request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.onprogress = function (e) {
    if (!e.lengthComputable) return;
    var percent = Math.round((100 * e.loaded) / e.total);
    bar.value = percent;
    said.textContent = percent + "%";
  };
  request.onload = function () {
    if (request.responseURL && request.responseURL !== form.action) {
      window.location.assign(request.responseURL);
      return;
    }
    document.open();
    document.write(request.responseText);
    document.close();
  };
  request.onerror = request.onabort = request.ontimeout = function () {
    // The network failed mid-way: let the browser send it the ordinary way (the form's
    // idempotency key keeps a retried application from being made twice).
    buttons.forEach(function (b) { b.disabled = false; });
    box.hidden = true;
    form.removeAttribute("data-progress");
    if (by && by.name) {
      by.click();
    } else {
      form.submit();
    }
  };
  request.send(data);
});

// Back to a form from the browser's page cache: its buttons work again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    var box = form.querySelector("[data-upload-progress]");
    if (box) box.hidden = true;
  });
});

// Fields say what is wrong while being filled in, once the person has left them: the
// browser's own check (required, pattern) marks the field invalid and puts the form's words
// (data-missing, the field's data-hint) beside it, tied to it for screen readers. The server
// checks everything again; this only saves a round trip.
(function () {
  function check(field) {
    var form = field.form;
    if (!form || !form.hasAttribute("data-validate") || !field.willValidate || !field.id) return;
    var id = field.id + "-invalid";
    var message = document.getElementById(id);
    if (field.validity.valid) {
      field.removeAttribute("aria-invalid");
      if (message) message.textContent = "";
      return;
    }
    if (!message) {
      message = document.createElement("span");
      message.id = id;
      message.className = "field-error";
      message.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", message);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    field.setAttribute("aria-invalid", "true");
    message.textContent = field.validity.valueMissing
      ? form.getAttribute("data-missing") || field.validationMessage
      : field.getAttribute("data-hint") || field.validationMessage;
  }
  document.addEventListener("focusout", function (event) {
    if (event.target.type !== "file") check(event.target);
  });
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("aria-invalid")) check(event.target);
  });
})();
