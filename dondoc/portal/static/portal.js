// Sends every portal form with its CSRF token (starlette-csrf reads the X-CSRFToken header,
// a double-submit of the dondoc_csrf cookie), then shows the page the server answered.
(function () {
  function cookie(name) {
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      if (kv[0] === name) return decodeURIComponent(kv.slice(1).join("="));
    }
    return "";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": cookie("dondoc_csrf") } })
      .then(function (response) {
        if (response.redirected) { window.location.assign(response.url); return; }
        return response.text().then(function (html) {
          document.open(); document.write(html); document.close();
        });
      })
      .catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        alert("Không gửi được (mất kết nối?). Thử lại.");
      });
  });
})();
