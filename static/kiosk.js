/* Voting tablets (pb decision days). Works without this file; with it:
   - a ballot is sent in the background, so if the tablet has lost its connection the
     voter is told, their choices stay on screen, and sending again counts once (the
     form's submission key makes the server store it once);
   - the thank-you screen clears itself for the next person;
   - a ballot left alone is cleared for privacy, but only after a warning a minute
     before, with a button to ask for more time (WCAG 2.2.1; without this file a plain
     refresh clears it after the same idle time). */
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

  function clearWhenIdle(box) {
    var idle = (parseInt(box.getAttribute("data-kiosk-idle"), 10) || 600) * 1000;
    var warnAt = Math.max(idle - 60000, idle / 2);
    var warnTimer, clearTimer;
    function restart() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(clearTimer);
      box.hidden = true;
      warnTimer = window.setTimeout(function () {
        box.hidden = false;
        document.getElementById("kiosk-more-time").focus();
      }, warnAt);
      clearTimer = window.setTimeout(function () {
        window.location.replace(box.getAttribute("data-kiosk-home"));
      }, idle);
    }
    ["change", "keydown", "pointerdown"].forEach(function (name) {
      document.addEventListener(name, restart, true);
    });
    document.getElementById("kiosk-more-time").addEventListener("click", restart);
    restart();
  }

  function start() {
    var idleBox = document.getElementById("kiosk-idle");
    if (idleBox) { clearWhenIdle(idleBox); }
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
