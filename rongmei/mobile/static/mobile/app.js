/* The H5 app: reads only the content API (/api/v1/) and renders it for a phone.
 *
 * No framework, no build step. The shell (rongmei/mobile/templates/mobile/app.html) gives the
 * configuration and every text in a JSON block (#h5-config), translated by Django.
 * Routes live in the hash: #/ (推荐), #/section/<id>, #/region/<slug>, #/item/<id>.
 * See docs/decisions/0023-h5-app.md.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("h5-config").textContent);
  var T = config.strings;
  var API = config.api; // "/api/v1/"
  var PAGE_SIZE = config.pageSize || 20;
  var REGION_KEY = "rongmei.h5.region";
  var PULL_THRESHOLD = 64;

  // The tags and attributes the API's body_html may hold (rongmei/api/ninjs.py BODY_TAGS /
  // BODY_ATTRIBUTES), plus <time datetime> of the correction and retraction notes.
  var ALLOWED = {
    P: [], BR: [], H2: [], H3: [], H4: [], STRONG: [], B: [], EM: [], I: [], OL: [], UL: [], LI: [],
    HR: [], BLOCKQUOTE: [], A: ["href"], FIGURE: [], FIGCAPTION: [], IMG: ["src", "alt", "width", "height"],
    TIME: ["datetime"]
  };
  var DROP_WITH_CONTENT = {
    SCRIPT: 1, STYLE: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, SVG: 1, MATH: 1,
    FRAME: 1, FRAMESET: 1, TEXTAREA: 1, SELECT: 1, BUTTON: 1, FORM: 1, INPUT: 1
  };

  // --- elements -------------------------------------------------------------------------------

  function $(selector) { return document.querySelector(selector); }

  var els = {
    back: $("[data-action=back]"),
    refresh: $("[data-action=refresh]"),
    channels: $("[data-channels]"),
    channelList: $("[data-channel-list]"),
    regionsButton: $("[data-action=open-regions]"),
    offline: $("[data-offline]"),
    ptr: $("[data-ptr]"),
    ptrText: $("[data-ptr-text]"),
    listView: $("[data-list-view]"),
    articleView: $("[data-article-view]"),
    toast: $("[data-toast]"),
    sheet: $("[data-region-sheet]"),
    regionTree: $("[data-region-tree]")
  };

  // --- small helpers --------------------------------------------------------------------------

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === "text") el.textContent = value;
        else if (name === "className") el.className = value;
        else el.setAttribute(name, value === true ? "" : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function fill(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  var toastTimer = null;
  function toast(text) {
    els.toast.textContent = text;
    els.toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { els.toast.hidden = true; }, 2500);
  }

  function storageGet(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null; // private browsing, a full or broken storage: the app works without it
    }
  }

  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* see storageGet */ }
  }

  var dateFormat;
  try {
    dateFormat = new Intl.DateTimeFormat(config.lang, {
      timeZone: config.timeZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  } catch (e) {
    dateFormat = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
    });
  }

  function formatTime(iso, relative) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    if (relative) {
      var seconds = (Date.now() - date.getTime()) / 1000;
      if (seconds >= 0 && seconds < 60) return T.justNow;
      if (seconds >= 0 && seconds < 3600) return fill(T.minutesAgo, { count: Math.floor(seconds / 60) });
      if (seconds >= 0 && seconds < 86400) return fill(T.hoursAgo, { count: Math.floor(seconds / 3600) });
    }
    return dateFormat.format(date);
  }

  // --- the API --------------------------------------------------------------------------------

  function ApiError(kind, status, detail) {
    this.kind = kind; // "network", "bad_answer", "http"
    this.status = status || 0;
    this.detail = detail || "";
  }

  // A URL inside our API on our origin, or null: the app never fetches anything else, and takes a
  // `next` address by its path only (the API may name its host differently behind a proxy).
  function apiUrl(address) {
    var url;
    try {
      url = new URL(address, window.location.origin + API);
    } catch (e) {
      return null;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.pathname.indexOf(API) !== 0) return null;
    return window.location.origin + url.pathname + url.search;
  }

  function fromOurApi(response) {
    var url;
    try {
      url = new URL(response.url);
    } catch (e) {
      return false;
    }
    var type = response.headers.get("Content-Type") || "";
    return url.origin === window.location.origin && url.pathname.indexOf(API) === 0 &&
      type.indexOf("application/json") === 0;
  }

  // GET from the API; with an ETag, an unchanged answer is a 304 ({notModified: true}).
  function apiGet(address, etag) {
    var url = apiUrl(address);
    if (!url) return Promise.reject(new ApiError("bad_answer"));
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    // no-store: the app keeps its own copies and ETags, so a refresh always asks the server
    // (the browser's cache would answer from its 60 seconds of max-age instead).
    return window.fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", redirect: "error" })
      .catch(function () { throw new ApiError("network"); })
      .then(function (response) {
        if (response.status === 304) return { notModified: true, etag: etag };
        if (!fromOurApi(response)) throw new ApiError("bad_answer", response.status);
        return response.json().catch(function () { throw new ApiError("bad_answer", response.status); })
          .then(function (data) {
            if (!response.ok) throw new ApiError("http", response.status, data && data.detail);
            return { data: data, etag: response.headers.get("ETag") };
          });
      });
  }

  // --- ninjs helpers --------------------------------------------------------------------------

  function storyId(item) {
    var ids = (item && item.altids) || [];
    for (var i = 0; i < ids.length; i++) if (ids[i].role === "id") return String(ids[i].value);
    return null;
  }

  function isOurItem(item, expectedId) {
    return !!item && typeof item.uri === "string" && item.uri.indexOf("urn:rongmei:") === 0 &&
      /:story:\d+$/.test(item.uri) && storyId(item) !== null &&
      (expectedId === undefined || storyId(item) === String(expectedId));
  }

  function byRole(list, role) {
    return (list || []).filter(function (entry) { return entry && entry.role === role; });
  }

  function headline(item, role) {
    var found = byRole(item.headlines, role || "main")[0];
    return found ? String(found.value || "") : "";
  }

  function coverImage(item) {
    return (item.associations || []).filter(function (a) {
      return a && a.name === "featureimage" && a.type === "picture";
    })[0] || null;
  }

  function listPicture(item) {
    return (item.associations || []).filter(function (a) {
      return a && a.name === "thumbnail" && a.type === "picture";
    })[0] || null;
  }

  function association(item, name, type) {
    return (item.associations || []).filter(function (a) {
      return a && a.name === name && a.type === type;
    })[0] || null;
  }

  // The story's transcoded video ("featurevideo": 720p and 1080p MP4s, the poster) or audio
  // ("featureaudio": AAC and MP3), as the website plays them (rongmei/video/templates/video/).
  function mediaPlayer(item, kind) {
    var media = association(item, kind === "video" ? "featurevideo" : "featureaudio", kind);
    if (!media) return null;
    var sources = (media.renditions || []).filter(function (r) {
      return r && typeof r.href === "string" && safeUrl(r.href, true) &&
        String(r.contenttype || "").indexOf(kind + "/") === 0;
    });
    if (!sources.length) return null;
    var video = kind === "video";
    var poster = video ? rendition(media, "poster") : null;
    var player = h(kind, {
      className: "article__" + kind,
      controls: true,
      preload: "metadata",
      playsinline: video || null,
      poster: poster ? poster.href : null,
      width: video ? sources[0].width : null,
      height: video ? sources[0].height : null
    }, sources.map(function (r) {
      return h("source", { src: r.href, type: String(r.contenttype) });
    }));
    var caption = byRole(media.descriptions, "caption")[0];
    var text = [caption ? caption.value : "", media.by || ""].filter(Boolean).join(" ");
    return h("figure", { className: "article__media" }, [player, text ? h("figcaption", { text: text }) : null]);
  }

  function rendition(association, name) {
    var found = ((association && association.renditions) || []).filter(function (r) {
      return r && r.name === name && typeof r.href === "string";
    })[0];
    return found && safeUrl(found.href, true) ? found : null;
  }

  function imageAlt(association, found) {
    if (found && found.title) return String(found.title);
    var caption = byRole(association && association.descriptions, "caption")[0];
    return caption ? String(caption.value || "") : "";
  }

  function safeUrl(value, image) {
    var url;
    try {
      url = new URL(value, window.location.href);
    } catch (e) {
      return false;
    }
    if (url.protocol === "http:" || url.protocol === "https:") return true;
    return !image && url.protocol === "mailto:";
  }

  // body_html is already sanitised by the API (nh3); it is copied node by node through the same
  // allow-list all the same, so nothing else ever reaches the page. DOMParser's document is inert:
  // no script runs and no image loads while it is read.
  function cleanHtml(html) {
    var parsed = new DOMParser().parseFromString("<!DOCTYPE html><body>" + String(html || ""), "text/html");
    var out = document.createDocumentFragment();
    copyChildren(parsed.body, out);
    return out;
  }

  function copyChildren(from, to) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      if (node.nodeType === 3) {
        to.appendChild(document.createTextNode(node.data));
        return;
      }
      if (node.nodeType !== 1) return;
      var tag = node.tagName.toUpperCase();
      if (!Object.prototype.hasOwnProperty.call(ALLOWED, tag)) {
        if (!DROP_WITH_CONTENT[tag]) copyChildren(node, to);
        return;
      }
      var el = document.createElement(tag.toLowerCase());
      ALLOWED[tag].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value === null) return;
        if ((name === "href" || name === "src") && !safeUrl(value, name === "src")) return;
        el.setAttribute(name, value);
      });
      if (tag === "A" && el.hasAttribute("href")) el.setAttribute("rel", "noopener noreferrer");
      if (tag === "IMG") {
        if (!el.hasAttribute("src")) return;
        if (!el.hasAttribute("alt")) el.setAttribute("alt", "");
        el.setAttribute("loading", "lazy");
        el.setAttribute("decoding", "async");
      }
      copyChildren(node, el);
      to.appendChild(el);
    });
  }

  function textOf(html) {
    return cleanHtml(html).textContent.replace(/\s+/g, " ").trim();
  }

  // --- state ----------------------------------------------------------------------------------

  var lists = {}; // route key → {items, next, etag, loaded, loading, error, scrollY}
  var stories = {}; // story id → {item, etag}: full items seen (for marks and going back)
  var sections = null; // [{id, title}]
  var regionTree = null;
  var route = null;
  var previousRoute = null;

  function listState(key) {
    if (!lists[key]) lists[key] = { items: [], next: null, etag: null, loaded: false, error: null, scrollY: 0 };
    return lists[key];
  }

  function firstPage(r) {
    var query = "?limit=" + encodeURIComponent(PAGE_SIZE);
    if (r.section) return "sections/" + encodeURIComponent(r.section) + "/items" + query;
    if (r.region) return "regions/" + encodeURIComponent(r.region) + "/items" + query;
    return "items" + query;
  }

  function rememberedRegion() {
    var region = storageGet(REGION_KEY);
    return region && typeof region.slug === "string" && /^[-\w]{1,60}$/.test(region.slug) ? region : null;
  }

  // --- routing --------------------------------------------------------------------------------

  function parseRoute(hash) {
    var path = String(hash || "").replace(/^#\/?/, "");
    var m;
    if ((m = /^item\/(\d{1,18})$/.exec(path))) return { view: "item", id: m[1], key: "item/" + m[1] };
    if ((m = /^section\/(\d{1,18})$/.exec(path))) return { view: "list", section: m[1], key: "section/" + m[1] };
    if ((m = /^region\/([-\w]{1,60})$/.exec(path))) return { view: "list", region: m[1], key: "region/" + m[1] };
    return { view: "list", key: "latest" };
  }

  function onRoute() {
    if (route && route.view === "list") listState(route.key).scrollY = window.scrollY;
    previousRoute = route;
    route = parseRoute(window.location.hash);
    if (route.view === "item") showArticle(route);
    else showList(route);
  }

  function goBack() {
    if (previousRoute && previousRoute.view === "list") window.history.back();
    else window.location.hash = "#/";
  }

  // --- channel bar ----------------------------------------------------------------------------

  function renderChannels() {
    clear(els.channelList);
    var entries = [{ key: "latest", href: "#/", title: T.latest }];
    (sections || []).forEach(function (s) {
      entries.push({ key: "section/" + s.id, href: "#/section/" + s.id, title: s.title });
    });
    var region = rememberedRegion();
    if (region) {
      entries.push({ key: "region/" + region.slug, href: "#/region/" + region.slug, title: region.name, region: true });
    }
    entries.forEach(function (entry) {
      var current = route && route.key === entry.key;
      els.channelList.appendChild(h("li", null, [
        h("a", {
          className: "channel" + (entry.region ? " channel--region" : ""),
          href: entry.href,
          "data-channel": entry.key,
          "aria-current": current ? "page" : null,
          text: entry.title
        })
      ]));
    });
    var active = els.channelList.querySelector("[aria-current=page]");
    if (active && active.scrollIntoView) active.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function loadSections() {
    apiGet("sections").then(function (answer) {
      if (!Array.isArray(answer.data)) return;
      sections = answer.data.filter(function (s) { return s && /^\d+$/.test(String(s.id)); })
        .map(function (s) { return { id: String(s.id), title: String(s.title || "") }; });
      renderChannels();
    }, function () { /* the bar keeps 推荐 and the regions; the list shows the network state */ });
  }

  // --- region sheet ---------------------------------------------------------------------------

  var sheetOpener = null;

  function openRegions() {
    sheetOpener = document.activeElement;
    els.sheet.hidden = false;
    document.documentElement.classList.add("is-locked");
    renderRegionTree();
    if (!regionTree) loadRegions();
    var first = els.sheet.querySelector(".region-option, .sheet__close");
    if (first) first.focus();
  }

  function closeRegions() {
    els.sheet.hidden = true;
    document.documentElement.classList.remove("is-locked");
    if (sheetOpener && sheetOpener.focus) sheetOpener.focus();
  }

  var regionsRequest = null;

  // The region tree, asked once (again after a failure).
  function fetchRegions() {
    if (regionTree) return Promise.resolve(regionTree);
    if (!regionsRequest) {
      regionsRequest = apiGet("regions").then(function (answer) {
        regionTree = Array.isArray(answer.data) ? answer.data : [];
        return regionTree;
      }, function (error) {
        regionsRequest = null;
        throw error;
      });
    }
    return regionsRequest;
  }

  function loadRegions() {
    clear(els.regionTree);
    els.regionTree.appendChild(h("p", { className: "sheet__note", text: T.loading }));
    fetchRegions().then(renderRegionTree, function () {
      clear(els.regionTree);
      els.regionTree.appendChild(h("div", { className: "notice notice--error" }, [
        h("p", { text: T.regionsError }),
        h("button", { type: "button", className: "button", "data-action": "reload-regions", text: T.retry })
      ]));
    });
  }

  // A region opened by its address becomes the remembered one, like a region chosen in the sheet.
  function rememberRouteRegion(r) {
    var chosen = rememberedRegion();
    if (chosen && chosen.slug === r.region) return;
    fetchRegions().then(function (tree) {
      var name = findRegionName(tree, r.region);
      if (!name) return;
      storageSet(REGION_KEY, { slug: r.region, name: name });
      if (route && route.key === r.key) renderChannels();
    }, function () { /* the list itself shows the network state */ });
  }

  function findRegionName(nodes, slug) {
    for (var i = 0; i < (nodes || []).length; i++) {
      if (nodes[i] && nodes[i].slug === slug) return String(nodes[i].name || "");
      var found = findRegionName(nodes[i] && nodes[i].children, slug);
      if (found) return found;
    }
    return null;
  }

  function regionNodes(nodes, depth) {
    var chosen = rememberedRegion();
    return h("ul", { className: "region-tree region-tree--" + depth }, (nodes || []).filter(function (node) {
      return node && typeof node.slug === "string" && /^[-\w]{1,60}$/.test(node.slug);
    }).map(function (node) {
      var selected = chosen && chosen.slug === node.slug;
      return h("li", null, [
        h("button", {
          type: "button",
          className: "region-option region-option--" + (node.level || "region"),
          "data-region": node.slug,
          "data-region-name": node.name,
          "aria-pressed": selected ? "true" : "false",
          text: node.name
        }),
        node.children && node.children.length ? regionNodes(node.children, depth + 1) : null
      ]);
    }));
  }

  function renderRegionTree() {
    if (!regionTree) return;
    clear(els.regionTree);
    if (!regionTree.length) {
      els.regionTree.appendChild(h("p", { className: "sheet__note", text: T.noRegions }));
      return;
    }
    els.regionTree.appendChild(regionNodes(regionTree, 0));
    if (rememberedRegion()) {
      els.regionTree.appendChild(h("button", {
        type: "button", className: "button button--quiet", "data-action": "forget-region", text: T.clearRegion
      }));
    }
  }

  function chooseRegion(slug, name) {
    storageSet(REGION_KEY, { slug: slug, name: name });
    closeRegions();
    var hash = "#/region/" + slug;
    if (window.location.hash === hash) renderChannels();
    else window.location.hash = hash;
  }

  function forgetRegion() {
    storageSet(REGION_KEY, null);
    renderRegionTree();
    renderChannels();
  }

  // --- the list -------------------------------------------------------------------------------

  function showList(r) {
    document.body.classList.remove("is-article");
    els.articleView.hidden = true;
    clear(els.articleView);
    els.listView.hidden = false;
    els.channels.hidden = false;
    els.back.hidden = true;
    els.refresh.hidden = false;
    document.title = config.siteName;
    renderChannels();
    if (r.region) rememberRouteRegion(r);
    var state = listState(r.key);
    if (state.loaded) {
      renderList(r.key);
      window.scrollTo(0, state.scrollY || 0);
      // Coming back after a while: ask again, cheaply (a 304 when nothing changed).
      refresh({ quiet: true });
    } else {
      window.scrollTo(0, 0);
      renderList(r.key);
      loadFirst(r);
    }
  }

  function loadFirst(r) {
    var state = listState(r.key);
    if (state.loading) return Promise.resolve();
    state.loading = true;
    state.error = null;
    renderList(r.key);
    return apiGet(firstPage(r)).then(function (answer) {
      takeFirstPage(state, answer);
    }, function (error) {
      state.error = error;
    }).then(function () {
      state.loading = false;
      if (route && route.key === r.key) renderList(r.key);
    });
  }

  function validItems(data) {
    var items = data && Array.isArray(data.items) ? data.items : null;
    if (!items) throw new ApiError("bad_answer");
    return items.filter(function (item) { return isOurItem(item); });
  }

  function takeFirstPage(state, answer) {
    var before = {};
    state.items.forEach(function (item) { before[storyId(item)] = true; });
    var items = validItems(answer.data);
    state.items = items;
    state.next = answer.data.next || null;
    state.etag = answer.etag;
    var fresh = state.loaded ? items.filter(function (item) { return !before[storyId(item)]; }).length : 0;
    state.loaded = true;
    return fresh;
  }

  function loadMore() {
    if (!route || route.view !== "list") return;
    var key = route.key;
    var state = listState(key);
    if (!state.next || state.loadingMore || state.refreshing) return;
    state.loadingMore = true;
    state.moreError = null;
    renderFooter(key);
    apiGet(state.next).then(function (answer) {
      var seen = {};
      state.items.forEach(function (item) { seen[storyId(item)] = true; });
      validItems(answer.data).forEach(function (item) {
        if (!seen[storyId(item)]) state.items.push(item);
      });
      state.next = answer.data.next || null;
    }, function (error) {
      state.moreError = error;
    }).then(function () {
      state.loadingMore = false;
      if (route && route.key === key) renderList(key);
    });
  }

  function refresh(options) {
    options = options || {};
    if (!route || route.view !== "list") return Promise.resolve();
    var r = route;
    var state = listState(r.key);
    if (state.refreshing || state.loading) return Promise.resolve();
    if (!state.loaded) return loadFirst(r);
    state.refreshing = true;
    if (!options.quiet) setPull(PULL_THRESHOLD, T.refreshing, true);
    return apiGet(firstPage(r), state.etag).then(function (answer) {
      var hadError = state.error;
      state.error = null;
      if (answer.notModified) {
        if (hadError && route && route.key === r.key) renderList(r.key);
        if (!options.quiet) toast(T.upToDate);
        return;
      }
      var fresh = takeFirstPage(state, answer);
      if (route && route.key === r.key) {
        renderList(r.key);
        if (!options.quiet) window.scrollTo(0, 0);
      }
      if (!options.quiet || fresh) toast(fresh ? fill(T.updated, { count: fresh }) : T.updatedNoNew);
    }, function (error) {
      state.error = error;
      if (route && route.key === r.key) renderList(r.key);
    }).then(function () {
      state.refreshing = false;
      if (route && route.key === r.key) setPull(0);
    });
  }

  function skeleton(count) {
    var list = h("ul", { className: "story-list story-list--skeleton", "aria-hidden": "true" });
    for (var i = 0; i < count; i++) {
      list.appendChild(h("li", { className: "story story--skeleton" }, [
        h("div", { className: "story__text" }, [
          h("span", { className: "skeleton skeleton--line" }),
          h("span", { className: "skeleton skeleton--line skeleton--short" }),
          h("span", { className: "skeleton skeleton--meta" })
        ]),
        h("span", { className: "skeleton skeleton--thumb" })
      ]));
    }
    return list;
  }

  function errorNotice(error, retryAction) {
    var text = T.networkError;
    if (error && error.kind === "bad_answer") text = T.badAnswer;
    else if (error && error.kind === "http" && error.status === 404) text = T.channelNotFound;
    else if (error && error.kind === "http" && error.detail) text = String(error.detail);
    return h("div", { className: "notice notice--error", role: "alert" }, [
      h("p", { text: text }),
      h("button", { type: "button", className: "button", "data-action": retryAction, text: T.retry })
    ]);
  }

  function storyRow(item) {
    var id = storyId(item);
    var known = stories[id] && stories[id].item;
    var canceled = item.pubstatus === "canceled" || (known && known.pubstatus === "canceled");
    var corrected = byRole(item.bodies, "correction").length > 0 ||
      (known && byRole(known.bodies, "correction").length > 0);
    // The app channel's own list picture (its version's "thumbnail" association) when 三审 approved
    // one, else the cover's; both are the media library's app thumbnail crop.
    var cover = listPicture(item) || coverImage(item);
    var thumb = rendition(cover, "thumbnail");
    var time = item.firstcreated || item.versioncreated;
    var marks = [];
    if (canceled) marks.push(h("span", { className: "mark mark--retracted", text: T.retractedMark }));
    else if (corrected) marks.push(h("span", { className: "mark mark--corrected", text: T.correctedMark }));
    var classes = "story" + (canceled ? " story--retracted" : "") + (thumb ? " story--with-thumb" : "");
    return h("li", { className: classes, "data-story": id }, [
      h("a", { className: "story__link", href: "#/item/" + id }, [
        h("div", { className: "story__text" }, [
          h("h2", { className: "story__title", text: headline(item) }),
          h("p", { className: "story__meta" }, marks.concat([
            time ? h("time", { datetime: time, text: formatTime(time, true) }) : null
          ]))
        ]),
        thumb ? h("img", {
          className: "story__thumb", src: thumb.href, alt: imageAlt(cover, thumb),
          width: thumb.width, height: thumb.height, loading: "lazy", decoding: "async"
        }) : null
      ])
    ]);
  }

  function renderList(key) {
    var state = listState(key);
    clear(els.listView);
    if (!state.loaded) {
      if (state.error) els.listView.appendChild(errorNotice(state.error, "reload-list"));
      else {
        els.listView.setAttribute("aria-busy", "true");
        els.listView.appendChild(skeleton(6));
      }
      return;
    }
    els.listView.removeAttribute("aria-busy");
    if (state.error) els.listView.appendChild(errorNotice(state.error, "refresh"));
    if (!state.items.length) {
      els.listView.appendChild(h("p", { className: "empty", text: T.empty }));
      return;
    }
    els.listView.appendChild(h("ul", { className: "story-list" }, state.items.map(storyRow)));
    els.listView.appendChild(h("div", { className: "list-footer", "data-list-footer": "" }));
    renderFooter(key);
    observeSentinel(); // the footer is a new element: watch it
  }

  function renderFooter(key) {
    var footer = els.listView.querySelector("[data-list-footer]");
    if (!footer) return;
    var state = listState(key);
    clear(footer);
    if (state.moreError) {
      footer.appendChild(errorNotice(state.moreError, "load-more"));
    } else if (state.next) {
      footer.appendChild(h("button", {
        type: "button", className: "button button--more", "data-action": "load-more",
        disabled: state.loadingMore ? true : null,
        text: state.loadingMore ? T.loading : T.loadMore
      }));
    } else {
      footer.appendChild(h("p", { className: "list-end", text: T.noMore }));
    }
  }

  var observer = null;
  function observeSentinel() {
    if (!("IntersectionObserver" in window)) return; // the "load more" button does it
    if (!observer) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          var state = route && route.view === "list" ? listState(route.key) : null;
          if (entry.isIntersecting && state && !state.moreError) loadMore();
        });
      }, { rootMargin: "200px 0px" });
    }
    observer.disconnect();
    var footer = els.listView.querySelector("[data-list-footer]");
    if (footer) observer.observe(footer);
  }

  // --- pull to refresh ------------------------------------------------------------------------

  var pull = { startY: null, distance: 0 };

  function setPull(distance, text, spinning) {
    els.ptr.style.height = distance > 0 ? Math.min(distance, 96) + "px" : "";
    els.ptr.classList.toggle("is-visible", distance > 0);
    els.ptr.classList.toggle("is-spinning", !!spinning);
    els.ptrText.textContent = text || (distance >= PULL_THRESHOLD ? T.releaseToRefresh : T.pullToRefresh);
  }

  function onTouchStart(event) {
    pull.startY = null;
    if (!route || route.view !== "list" || !els.sheet.hidden || listState(route.key).refreshing) return;
    if (window.scrollY > 0 || event.touches.length !== 1) return;
    pull.startY = event.touches[0].clientY;
    pull.distance = 0;
  }

  function onTouchMove(event) {
    if (pull.startY === null) return;
    var dy = event.touches[0].clientY - pull.startY;
    if (dy <= 0 || window.scrollY > 0) {
      pull.distance = 0;
      setPull(0);
      return;
    }
    pull.distance = dy / 2; // resistance: the indicator follows at half the finger's pace
    setPull(pull.distance);
  }

  function onTouchEnd() {
    if (pull.startY === null) return;
    pull.startY = null;
    var go = pull.distance >= PULL_THRESHOLD;
    pull.distance = 0;
    setPull(0);
    if (go) refresh();
  }

  // --- the article ----------------------------------------------------------------------------

  function showArticle(r) {
    document.body.classList.add("is-article");
    els.listView.hidden = true;
    els.channels.hidden = true;
    els.back.hidden = false;
    els.refresh.hidden = true;
    els.articleView.hidden = false;
    setPull(0);
    window.scrollTo(0, 0);
    var known = stories[r.id];
    clear(els.articleView);
    if (known) renderArticle(known.item);
    else els.articleView.appendChild(articleSkeleton());
    els.articleView.setAttribute("aria-busy", "true");
    apiGet("items/" + r.id, known && known.etag).then(function (answer) {
      if (answer.notModified) return;
      if (!isOurItem(answer.data, r.id)) throw new ApiError("bad_answer");
      stories[r.id] = { item: answer.data, etag: answer.etag };
      if (route && route.key === r.key) renderArticle(answer.data);
    }).catch(function (error) {
      if (!(route && route.key === r.key)) return;
      if (known && error.kind === "network") {
        toast(T.networkErrorArticle);
        return;
      }
      if (error.kind === "http" && error.status === 404) {
        // Taken off the site: it leaves the lists the app holds.
        Object.keys(lists).forEach(function (key) {
          lists[key].items = lists[key].items.filter(function (item) { return storyId(item) !== r.id; });
        });
      }
      clear(els.articleView);
      var text = error.kind === "http" && error.status === 404 ? T.notFound
        : error.kind === "bad_answer" ? T.badAnswer : T.networkErrorArticle;
      els.articleView.appendChild(h("div", { className: "notice notice--error", role: "alert" }, [
        h("p", { text: text }),
        error.kind === "network" ? h("button", { type: "button", className: "button", "data-action": "reload-article", text: T.retry }) : null
      ]));
    }).then(function () {
      els.articleView.removeAttribute("aria-busy");
    });
  }

  function articleSkeleton() {
    return h("div", { className: "article article--skeleton", "aria-hidden": "true" }, [
      h("span", { className: "skeleton skeleton--title" }),
      h("span", { className: "skeleton skeleton--meta" }),
      h("span", { className: "skeleton skeleton--block" }),
      h("span", { className: "skeleton skeleton--line" }),
      h("span", { className: "skeleton skeleton--line" }),
      h("span", { className: "skeleton skeleton--line skeleton--short" })
    ]);
  }

  function renderArticle(item) {
    clear(els.articleView);
    var title = headline(item);
    document.title = title ? title + " - " + config.siteName : config.siteName;
    var heading = h("h1", { className: "article__title", tabindex: "-1", text: title });
    var article;
    if (item.pubstatus === "canceled") {
      var reason = byRole(item.bodies, "retraction")[0];
      article = h("article", { className: "article article--retracted" }, [
        heading,
        h("div", { className: "retraction", role: "note" }, [
          h("h2", { className: "retraction__title", text: T.retracted }),
          reason ? h("div", { className: "retraction__reason" }, [cleanHtml(reason.value)]) : null
        ])
      ]);
      markRetracted(storyId(item));
    } else {
      var time = item.firstcreated || item.versioncreated;
      var sources = (item.infosources || []).filter(function (s) { return s && s.name; });
      var meta = [];
      if (item.by) meta.push(h("span", { className: "article__by", text: item.by }));
      if (time) meta.push(h("time", { datetime: time, text: formatTime(time, false) }));
      if (sources.length) meta.push(h("span", { text: fill(T.source, { name: sources[0].name }) }));
      var cover = coverImage(item);
      var view = rendition(cover, "viewImage");
      // A video story opens with its player (its poster stands for the cover picture).
      var player = mediaPlayer(item, "video");
      var caption = byRole(cover && cover.descriptions, "caption")[0];
      var corrections = byRole(item.bodies, "correction");
      var main = byRole(item.bodies, "main")[0];
      var lead = byRole(item.descriptions, "lead")[0];
      var web = (item.renditions || []).filter(function (r) {
        return r && r.name === "web" && typeof r.href === "string" && safeUrl(r.href, true);
      })[0];
      article = h("article", { className: "article" }, [
        headline(item, "kicker") ? h("p", { className: "article__kicker", text: headline(item, "kicker") }) : null,
        heading,
        headline(item, "sub") ? h("p", { className: "article__sub", text: headline(item, "sub") }) : null,
        h("p", { className: "article__meta" }, meta.concat(corrections.length
          ? [h("span", { className: "mark mark--corrected", text: T.correctedMark })] : [])),
        player,
        !player && view ? h("figure", { className: "article__cover" }, [
          h("img", { src: view.href, alt: imageAlt(cover, view), width: view.width, height: view.height, decoding: "async" }),
          caption || cover.by ? h("figcaption", {
            text: [caption ? caption.value : "", cover.by || ""].filter(Boolean).join(" ")
          }) : null
        ]) : null,
        lead ? h("p", { className: "article__lead", text: String(lead.value || "") }) : null,
        mediaPlayer(item, "audio"),
        h("div", { className: "article__body" }, [main ? cleanHtml(main.value) : null]),
        corrections.length ? h("section", { className: "article__corrections", "aria-labelledby": "corrections-title" }, [
          h("h2", { id: "corrections-title", text: T.corrections })
        ].concat(corrections.map(function (c) {
          return h("div", { className: "correction" }, [cleanHtml(c.value)]);
        }))) : null,
        item.copyrightnotice ? h("p", { className: "article__copyright", text: item.copyrightnotice }) : null,
        web ? h("p", { className: "article__web" }, [h("a", { href: web.href, rel: "noopener", text: T.onWebsite })]) : null
      ]);
    }
    els.articleView.appendChild(article);
    heading.focus({ preventScroll: true });
  }

  function markRetracted(id) {
    Object.keys(lists).forEach(function (key) {
      lists[key].items.forEach(function (item) {
        if (storyId(item) === id) item.pubstatus = "canceled";
      });
    });
  }

  // --- events ---------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action], [data-region]");
    if (!target) return;
    if (target.hasAttribute("data-region")) {
      chooseRegion(target.getAttribute("data-region"), target.getAttribute("data-region-name") || "");
      return;
    }
    switch (target.getAttribute("data-action")) {
      case "back": goBack(); break;
      case "refresh": refresh(); break;
      case "reload-list": if (route && route.view === "list") loadFirst(route); break;
      case "reload-article": if (route && route.view === "item") showArticle(route); break;
      case "load-more": if (route && route.view === "list") { listState(route.key).moreError = null; loadMore(); } break;
      case "open-regions": openRegions(); break;
      case "close-regions": closeRegions(); break;
      case "reload-regions": loadRegions(); break;
      case "forget-region": forgetRegion(); break;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (els.sheet.hidden) return;
    if (event.key === "Escape") {
      closeRegions();
      return;
    }
    if (event.key === "Tab") {
      // Keep the focus inside the open sheet.
      var focusable = els.sheet.querySelectorAll("button:not([disabled])");
      if (!focusable.length) return;
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    }
  });

  document.addEventListener("touchstart", onTouchStart, { passive: true });
  document.addEventListener("touchmove", onTouchMove, { passive: true });
  document.addEventListener("touchend", onTouchEnd, { passive: true });
  document.addEventListener("touchcancel", function () { pull.startY = null; setPull(0); }, { passive: true });

  function onlineState() {
    els.offline.hidden = navigator.onLine !== false;
  }
  window.addEventListener("online", function () {
    onlineState();
    if (route && route.view === "list") refresh({ quiet: true });
  });
  window.addEventListener("offline", onlineState);
  window.addEventListener("hashchange", onRoute);

  if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
  onlineState();
  onRoute();
  loadSections();
  document.body.classList.add("is-ready");
})();
