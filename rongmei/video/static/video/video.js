/* Video and audio in the admin: the chunked, resumable upload and the live transcode progress.
   No framework; the pages carry their URLs and words in data- attributes. */
(function () {
  "use strict";

  // The page's texts carry {name} placeholders (no "%": a template's {% translate %} doubles it).
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // --- live progress: poll the status endpoint every 2 s while anything is busy ---------------------
  var BUSY = ["uploading", "waiting", "transcoding"];

  function watch(container) {
    var url = container.dataset.videoStatusUrl;
    var etag = null;
    function busyKeys() {
      return Array.prototype.filter.call(container.querySelectorAll("[data-video-state]"), function (el) {
        return BUSY.indexOf(el.dataset.state) >= 0;
      }).map(function (el) { return el.dataset.videoState; });
    }
    function apply(item) {
      var el = container.querySelector('[data-video-state="' + item.key + '"]');
      if (!el) return;
      var was = el.dataset.state;
      el.dataset.state = item.state;
      el.querySelector(".video-state__label").textContent = item.state_label;
      var bar = el.querySelector("progress");
      var percent = el.querySelector(".video-state__percent");
      var left = el.querySelector(".video-state__left");
      var busy = BUSY.indexOf(item.state) >= 0;
      if (bar) { bar.value = item.percent; bar.hidden = !busy; }
      if (percent) percent.textContent = busy ? item.percent + "%" : "";
      if (left) {
        left.textContent = item.state === "transcoding" && item.seconds_left !== null
          ? format(container.dataset.secondsLeft, { seconds: item.seconds_left }) : "";
      }
      if (item.state === "failed" && !el.querySelector(".video-state__message")) {
        var message = document.createElement("span");
        message.className = "video-state__message error-message";
        message.textContent = item.message;
        el.appendChild(message);
      }
      var duration = container.querySelector('[data-video-duration="' + item.key + '"]');
      if (duration) duration.textContent = item.duration;
      // The asset's own page shows the players once it is ready: load it again then, once.
      if (was !== item.state && item.state === "ready" && container.dataset.reloadWhenReady) {
        window.location.reload();
      }
    }
    function poll() {
      var keys = busyKeys();
      if (!keys.length) return;
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url + "?keys=" + encodeURIComponent(keys.join(",")), { headers: headers, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 304) return null;
          if (!response.ok) throw new Error(response.status);
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (body) { if (body) body.items.forEach(apply); })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 2000);
  }

  // --- the chunked upload ---------------------------------------------------------------------------
  var STORE = "rongmei.video.upload";

  function remembered(file) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (saved && file && saved.name === file.name && saved.size === file.size && saved.modified === file.lastModified) {
        return saved;
      }
    } catch (e) { /* nothing usable kept */ }
    return null;
  }

  function uploader(form) {
    var input = form.querySelector("#video-file");
    var bar = form.querySelector("#video-upload-progress");
    var message = form.querySelector("#video-upload-message");
    var chunkBytes = parseInt(form.dataset.chunkBytes, 10);
    var csrf = form.dataset.csrf;
    var busy = false;

    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (saved) {
        message.textContent = format(form.dataset.textResumeOffer, {
          name: saved.name, percent: Math.floor((saved.received || 0) * 100 / saved.size) + "%"
        });
      }
    } catch (e) { /* ignore */ }

    function show(received, size) {
      var percent = Math.floor(received * 100 / size);
      bar.hidden = false;
      bar.value = percent;
      message.textContent = format(form.dataset.textUploading, { percent: percent + "%" });
    }
    function fail(text) {
      busy = false;
      message.textContent = text;
      message.classList.add("error-message");
    }
    function errorText(response) {
      return response.json().then(function (body) { return body.error || String(response.status); },
        function () { return String(response.status); });
    }
    function start(file) {
      var body = new FormData();
      body.append("name", file.name);
      body.append("size", String(file.size));
      return fetch(form.dataset.startUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf }
      }).then(function (response) {
        if (!response.ok) return errorText(response).then(function (text) { throw new Error(text); });
        return response.json();
      });
    }
    function where(upload) {
      // After a reload or a dropped connection: the server says how much it has.
      return fetch(upload.url, { credentials: "same-origin" }).then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("retry");
        return response.json();
      });
    }
    function send(file, upload) {
      var startAt = upload.received;
      var end = Math.min(startAt + chunkBytes, file.size);
      upload.modified = file.lastModified;
      upload.name = file.name;
      window.localStorage.setItem(STORE, JSON.stringify(upload));
      show(startAt, file.size);
      return fetch(upload.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": csrf,
          "Content-Type": "application/octet-stream",
          "Content-Range": "bytes " + startAt + "-" + (end - 1) + "/" + file.size
        },
        body: file.slice(startAt, end)
      }).then(function (response) {
        if (response.status === 409) {
          return response.json().then(function (body) { upload.received = body.received; return send(file, upload); });
        }
        if (!response.ok) {
          return errorText(response).then(function (text) {
            window.localStorage.removeItem(STORE);
            var error = new Error(text); error.final = true; throw error;
          });
        }
        return response.json().then(function (body) {
          if (body.done) {
            window.localStorage.removeItem(STORE);
            bar.value = 100;
            message.textContent = form.dataset.textDone + " ";
            var link = document.createElement("a");
            link.href = body.edit_url;
            link.textContent = form.dataset.textOpen;
            link.id = "video-upload-done";
            message.appendChild(link);
            busy = false;
            return;
          }
          upload.received = body.received;
          return send(file, upload);
        });
      }, function () {
        // The connection dropped: ask the server what arrived, then go on from there.
        message.textContent = form.dataset.textResuming;
        return new Promise(function (resolve) { window.setTimeout(resolve, 3000); })
          .then(function () { return where(upload); })
          .then(function (known) {
            if (!known) throw Object.assign(new Error(""), { restart: true });
            upload.received = known.received;
            return send(file, upload);
          }, function () { return send(file, upload); });
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = input.files[0];
      if (!file || busy) return;
      busy = true;
      message.classList.remove("error-message");
      var saved = remembered(file);
      var ready = saved
        ? where(saved).then(function (known) { return known || start(file); }, function () { return start(file); })
        : start(file);
      ready.then(function (upload) { return send(file, upload); })
        .catch(function (error) { fail(error.message); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("video-list") || document.getElementById("video-asset");
    if (list) watch(list);
    var form = document.getElementById("video-upload");
    if (form) uploader(form);
  });
})();
