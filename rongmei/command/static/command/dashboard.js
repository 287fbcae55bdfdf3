// 指挥调度: ask for the panels every data-poll-seconds with the ETag last received (the server
// answers 304 while nothing changed), keep the waiting and overdue durations current between
// answers, say when the figures may be stale, and switch the wall-screen (full screen) view.
(function () {
  "use strict";

  var root = document.getElementById("command-dashboard");
  if (!root) {
    return;
  }
  var panels = document.getElementById("command-panels");
  var updated = document.getElementById("command-updated");
  var stale = document.getElementById("command-stale");
  var toggle = document.getElementById("command-wall-toggle");
  var date = document.getElementById("command-date");
  var url = root.dataset.pollUrl;
  var seconds = Math.max(1, parseInt(root.dataset.pollSeconds, 10) || 30);
  var etag = root.dataset.etag || "";
  var busy = false;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function fill(format, values) {
    return format.replace(/\{(\w)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function duration(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var hours = Math.floor(minutes / 60);
    var days = Math.floor(hours / 24);
    if (days) {
      return fill(root.dataset.fmtDays, { d: days, h: hours % 24 });
    }
    if (hours) {
      return fill(root.dataset.fmtHours, { h: hours, m: minutes % 60 });
    }
    return fill(root.dataset.fmtMinutes, { m: minutes });
  }

  function refreshAges() {
    var now = Date.now();
    panels.querySelectorAll("time.cmd-age[datetime]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(since)) {
        el.textContent = duration(now - since);
      }
    });
  }

  function fresh() {
    var now = new Date();
    updated.textContent = updated.dataset.label + " " + pad(now.getHours()) + ":" + pad(now.getMinutes());
    stale.hidden = true;
    root.classList.remove("cmd--stale");
  }

  function failed(message) {
    stale.textContent = message;
    stale.hidden = false;
    root.classList.add("cmd--stale");
  }

  function poll() {
    if (busy) {
      return;
    }
    busy = true;
    var headers = { "X-Requested-With": "fetch" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
          failed(stale.dataset.signedOut);
          return null;
        }
        if (response.status === 304) {
          fresh();
          return null;
        }
        if (!response.ok || response.headers.get("X-Command-Panels") !== "1") {
          throw new Error("HTTP " + response.status);
        }
        var next = response.headers.get("ETag");
        return response.text().then(function (html) {
          panels.innerHTML = html;
          etag = next || "";
          // Past midnight the figures are the new day's: so is the date in the title.
          var day = panels.querySelector("#command-day");
          if (day && date) {
            date.textContent = day.dataset.day;
          }
          fresh();
        });
      })
      .catch(function () {
        failed(stale.dataset.failed);
      })
      .then(function () {
        busy = false;
        refreshAges();
      });
  }

  // No storm: one request at a time, none while the tab is hidden, one at once when it shows again.
  window.setInterval(function () {
    if (!document.hidden) {
      poll();
    }
  }, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      poll();
    }
  });

  function setWall(on) {
    root.classList.toggle("cmd--wall", on);
    document.documentElement.classList.toggle("cmd-wall-page", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? toggle.dataset.leave : toggle.dataset.enter;
  }

  toggle.addEventListener("click", function () {
    var on = !root.classList.contains("cmd--wall");
    setWall(on);
    if (on && document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(function () {});
    } else if (!on && document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen().catch(function () {});
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.classList.contains("cmd--wall") && !document.fullscreenElement) {
      setWall(false);
    }
  });
  setWall(root.classList.contains("cmd--wall"));
  refreshAges();
})();
