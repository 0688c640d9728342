/* Voting tablets (pb decision days). Works without this file; with it:
   - a ballot is sent in the background, so if the tablet has lost its connection the
     voter is told, their choices stay on screen, and sending again counts once (the
     form's submission key makes the server store it once);
   - the thank-you screen clears itself for the next person. */
(function () {
  "use strict";

  function showProblem(status, text) {
    status.textContent = text;
    status.hidden = false;
    status.focus && status.focus();
  }

  function sendBallot(form) {
    var status = document.getElementById("kiosk-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      button.textContent = "Sending your vote…";
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          document.open();
          document.write(html);
          document.close();
        })
        .catch(function () {
          button.disabled = false;
          button.textContent = "Send my vote";
          showProblem(status, "This tablet could not reach the server, so your vote has " +
            "NOT been confirmed. Your choices are still here: press Send my vote again. " +
            "It will only be counted once. If it keeps failing, ask a member of staff.");
        });
    });
  }

  function resetLater(box) {
    var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 12;
    window.setTimeout(function () {
      window.location.replace(box.getAttribute("data-kiosk-reset"));
    }, seconds * 1000);
  }

  function start() {
    var form = document.getElementById("kiosk-ballot");
    if (form) { sendBallot(form); }
    var box = document.querySelector("[data-kiosk-reset]");
    if (box) { resetLater(box); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
