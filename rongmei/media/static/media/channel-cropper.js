// The channel cropper (media/crops.html): one box at a time over the picture, its shape locked to the
// channel's (data-ratio; none for print), moved by dragging and sized by its corner. The box is kept
// in the original picture's pixels in the channel's form, which saves it.
// Wagtail's admin puts extra_js in the <head>: start once the page is read.
document.addEventListener("DOMContentLoaded", function () {
    "use strict";
    var stage = document.getElementById("cropper-stage");
    if (!stage) return;
    var picture = document.getElementById("cropper-picture");
    var box = document.getElementById("cropper-box");
    var handle = document.getElementById("cropper-handle");
    var cropper = stage.parentElement;
    var originalWidth = Number(cropper.dataset.originalWidth);
    var originalHeight = Number(cropper.dataset.originalHeight);
    var MIN = 16;
    var active = null; // {section, ratio, x, y, w, h} in original pixels

    function scale() { return picture.clientWidth / originalWidth; }

    function boxOf(section) {
        var parts = section.dataset.box.split(",").map(Number);
        return {x: parts[0], y: parts[1], w: parts[2], h: parts[3]};
    }

    function place(element, b) {
        var s = scale();
        element.style.left = b.x * s + "px";
        element.style.top = b.y * s + "px";
        element.style.width = b.w * s + "px";
        element.style.height = b.h * s + "px";
    }

    function drawOutlines() {
        document.querySelectorAll(".channel-crop").forEach(function (section) {
            var outline = stage.querySelector('[data-outline="' + section.dataset.channel + '"]');
            if (outline) place(outline, boxOf(section));
        });
    }

    function write() {
        var form = active.section.querySelector("form.crop-save");
        form.elements.x.value = Math.round(active.x);
        form.elements.y.value = Math.round(active.y);
        form.elements.width.value = Math.round(active.w);
        form.elements.height.value = Math.round(active.h);
        place(box, active);
    }

    function choose(section) {
        document.querySelectorAll(".channel-crop.is-active").forEach(function (s) { s.classList.remove("is-active"); });
        section.classList.add("is-active");
        var b = boxOf(section);
        active = {section: section, ratio: Number(section.dataset.ratio) || 0, x: b.x, y: b.y, w: b.w, h: b.h};
        box.hidden = false;
        write();
    }

    function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

    var drag = null;
    function start(event, mode) {
        if (!active) return;
        event.preventDefault();
        event.stopPropagation();
        drag = {mode: mode, px: event.clientX, py: event.clientY, x: active.x, y: active.y, w: active.w, h: active.h};
        window.addEventListener("pointermove", move);
        window.addEventListener("pointerup", stop, {once: true});
    }

    function move(event) {
        var s = scale();
        var dx = (event.clientX - drag.px) / s;
        var dy = (event.clientY - drag.py) / s;
        if (drag.mode === "move") {
            active.x = clamp(drag.x + dx, 0, originalWidth - active.w);
            active.y = clamp(drag.y + dy, 0, originalHeight - active.h);
        } else {
            var w = clamp(drag.w + dx, MIN, originalWidth - drag.x);
            var h;
            if (active.ratio) {
                h = w / active.ratio;
                if (drag.y + h > originalHeight) { h = originalHeight - drag.y; w = h * active.ratio; }
            } else {
                h = clamp(drag.h + dy, MIN, originalHeight - drag.y);
            }
            active.w = w;
            active.h = h;
        }
        write();
    }

    function stop() { window.removeEventListener("pointermove", move); drag = null; }

    box.addEventListener("pointerdown", function (event) { start(event, "move"); });
    handle.addEventListener("pointerdown", function (event) { start(event, "resize"); });
    document.querySelectorAll(".channel-crop .crop-choose").forEach(function (button) {
        button.addEventListener("click", function () { choose(button.closest(".channel-crop")); });
    });
    function redraw() { drawOutlines(); if (active) place(box, active); }
    window.addEventListener("resize", redraw);
    if (picture.complete) redraw(); else picture.addEventListener("load", redraw);
    var wanted = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    choose(wanted && wanted.classList.contains("channel-crop") ? wanted : document.querySelector(".channel-crop"));
});
