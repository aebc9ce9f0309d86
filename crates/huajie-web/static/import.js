// The tape upload page: sends the form in the background to show how far the upload and
// the check have got, then shows the page the server answers with. Without this script
// the form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  var box = document.getElementById("import-progress");
  if (!form || !box || !window.FormData || !window.XMLHttpRequest) return;
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var buttons = form.querySelectorAll("button");
  // Not form.action: the buttons are named "action", which shadows it.
  var target = new URL(form.getAttribute("action"), location.href);

  function percent(done, total) {
    return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 0;
  }
  function show(label, done, total) {
    var p = percent(done, total);
    bar.value = p;
    text.textContent = label + " " + p + "%";
  }
  function token() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + String(Math.random()).slice(2, 12);
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    // Reviewing the mapping is quick and has its own page: leave it to the browser.
    if (!submitter || submitter.value === "mapping") return;
    event.preventDefault();
    var data = new FormData(form);
    data.set(submitter.name, submitter.value);
    var id = token();
    data.set("progress", id);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", target.href);
    xhr.responseType = "document";
    box.hidden = false;
    buttons.forEach(function (b) { b.disabled = true; });
    show(box.dataset.uploading, 0, 1);
    var timer = null;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) show(box.dataset.uploading, e.loaded, e.total);
    };
    xhr.upload.onload = function () {
      show(box.dataset.checking, 0, 1);
      timer = setInterval(function () {
        fetch("/imports/progress/" + id, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (p) { if (p) show(box.dataset.checking, p.read, p.total); })
          .catch(function () {});
      }, 400);
    };
    xhr.onload = function () {
      clearInterval(timer);
      if (xhr.responseURL && new URL(xhr.responseURL).pathname !== target.pathname) {
        location.assign(xhr.responseURL); // loaded: the report page
        return;
      }
      var page = xhr.response;
      if (!page || !page.body) {
        text.textContent = box.dataset.failed;
        buttons.forEach(function (b) { b.disabled = false; });
        return;
      }
      document.title = page.title;
      document.body.replaceWith(document.adoptNode(page.body));
    };
    xhr.onerror = function () {
      clearInterval(timer);
      text.textContent = box.dataset.failed;
      buttons.forEach(function (b) { b.disabled = false; });
    };
    xhr.send(data);
  });
})();
