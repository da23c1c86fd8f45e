/* flytekit-deploy wiki: theme toggle, chapter menu on small screens, and client-side search.
   No libraries and no requests beyond this site: the search index is search-index.js, loaded with a
   <script> tag on first use because browsers refuse to fetch() JSON from file://. */
(function () {
  "use strict";

  var root = document.documentElement;
  var THEME_KEY = "fd-theme";
  var INDEX_SCRIPT = "search-index.js";
  var MAX_RESULTS = 12;

  /* ---------- theme ---------- */
  function applyTheme(theme) {
    root.setAttribute("data-theme", theme);
    root.setAttribute("data-jp-theme-light", theme === "light" ? "true" : "false");
  }

  function storedTheme() {
    try {
      return window.localStorage.getItem(THEME_KEY);
    } catch (e) {
      return null;
    }
  }

  var toggle = document.getElementById("fd-theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      applyTheme(next);
      try {
        window.localStorage.setItem(THEME_KEY, next);
      } catch (e) {
        /* storage disabled: the choice lasts for this page only */
      }
    });
  }
  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    var follow = function (event) {
      if (!storedTheme()) {
        applyTheme(event.matches ? "dark" : "light");
      }
    };
    if (query.addEventListener) {
      query.addEventListener("change", follow);
    }
  }

  /* ---------- chapter menu ---------- */
  var menu = document.getElementById("fd-menu");
  var sidebar = document.getElementById("fd-sidebar");
  if (menu && sidebar) {
    menu.addEventListener("click", function () {
      var open = sidebar.classList.toggle("fd-open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* ---------- diagrams: fit to width, zoom, pan, open full size (no library) ---------- */
  function naturalWidth(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    return box && box.width ? box.width : svg.getBoundingClientRect().width;
  }

  function openFullSize(svg) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.removeAttribute("style");
    copy.setAttribute("width", String(Math.ceil(naturalWidth(svg))));
    var dark = root.getAttribute("data-theme") === "dark";
    var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" +
      (document.title || "diagram").replace(/</g, "&lt;") + "</title><style>body{margin:0;padding:1rem;background:" +
      (dark ? "#1e1e1e" : "#fff") + "}svg{max-width:none;height:auto" +
      (dark ? ";filter:invert(0.92) hue-rotate(180deg)" : "") + "}</style></head><body>" +
      new XMLSerializer().serializeToString(copy) + "</body></html>";
    var url = URL.createObjectURL(new Blob([page], { type: "text/html" }));
    window.open(url, "_blank", "noopener");
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", action);
    return b;
  }

  function setupDiagram(figure) {
    var svg = figure.querySelector(":scope > svg");
    if (!svg) {
      return;
    }
    var frame = document.createElement("div");
    frame.className = "fd-diagram-frame";
    figure.insertBefore(frame, svg);
    frame.appendChild(svg);
    var scale = 0;  /* 0: fit to the column */
    var drawnMax = svg.style.maxWidth;  /* mermaid caps the SVG at its drawn width: fitting never enlarges it */
    function apply() {
      if (scale === 0) {
        figure.classList.remove("fd-zoomed");
        svg.style.width = "";
        svg.style.maxWidth = drawnMax;
      } else {
        figure.classList.add("fd-zoomed");
        svg.style.maxWidth = "none";
        svg.style.width = Math.round(naturalWidth(svg) * scale) + "px";
      }
    }
    function fitted() {
      return Math.min(1, frame.clientWidth / naturalWidth(svg));
    }
    function zoom(factor) {
      scale = Math.max(0.25, Math.min(4, (scale || fitted()) * factor));
      apply();
    }
    var tools = document.createElement("div");
    tools.className = "fd-diagram-tools";
    tools.appendChild(button("\u2212", "Zoom out", function () { zoom(1 / 1.25); }));
    tools.appendChild(button("+", "Zoom in", function () { zoom(1.25); }));
    tools.appendChild(button("Fit", "Fit to width", function () { scale = 0; apply(); }));
    tools.appendChild(button("\u2197", "Open full size", function () { openFullSize(svg); }));
    figure.insertBefore(tools, frame);
    var drag = null;
    frame.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || frame.scrollWidth <= frame.clientWidth && frame.scrollHeight <= frame.clientHeight) {
        return;
      }
      drag = { x: event.clientX, y: event.clientY, left: frame.scrollLeft, top: frame.scrollTop };
      frame.classList.add("fd-panning");
      frame.setPointerCapture(event.pointerId);
    });
    frame.addEventListener("pointermove", function (event) {
      if (drag) {
        frame.scrollLeft = drag.left - (event.clientX - drag.x);
        frame.scrollTop = drag.top - (event.clientY - drag.y);
      }
    });
    var stop = function () {
      drag = null;
      frame.classList.remove("fd-panning");
    };
    frame.addEventListener("pointerup", stop);
    frame.addEventListener("pointercancel", stop);
    frame.addEventListener("wheel", function (event) {
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        zoom(event.deltaY < 0 ? 1.1 : 1 / 1.1);
      }
    }, { passive: false });
  }

  Array.prototype.forEach.call(document.querySelectorAll("figure.fd-mermaid"), setupDiagram);

  /* ---------- search ---------- */
  var input = document.getElementById("fd-search-input");
  var box = document.getElementById("fd-search-results");
  if (!input || !box) {
    return;
  }
  var prepared = null;
  var loading = false;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function prepare() {
    var data = window.FLYTE_WIKI_SEARCH;
    if (!data) {
      return null;
    }
    return data.sections.map(function (row) {
      var page = data.pages[row[0]];
      return {
        href: page[0] + (row[1] ? "#" + row[1] : ""),
        page: page[1],
        heading: row[2],
        text: row[3],
        title: fold(page[1]),
        head: fold(row[2]),
        body: fold(row[3])
      };
    });
  }

  /* Load the index once; whatever was typed meanwhile is searched when it arrives. */
  function loadIndex() {
    if (prepared || loading) {
      return;
    }
    if (window.FLYTE_WIKI_SEARCH) {
      prepared = prepare();
      return;
    }
    loading = true;
    var script = document.createElement("script");
    script.src = INDEX_SCRIPT;
    script.onload = function () {
      prepared = prepare();
      render();
    };
    script.onerror = function () {
      loading = false;
      showMessage("The search index (search-index.js) is missing; rebuild the wiki.");
    };
    document.head.appendChild(script);
  }

  function count(haystack, term) {
    var n = 0;
    var at = haystack.indexOf(term);
    while (at !== -1 && n < 5) {
      n += 1;
      at = haystack.indexOf(term, at + term.length);
    }
    return n;
  }

  function search(raw) {
    var terms = fold(raw).split(/\s+/).filter(function (t) {
      return t.length > 1;
    });
    if (!terms.length || !prepared) {
      return { terms: terms, hits: [] };
    }
    /* Relevance: a term in a heading counts most, then in the page title, then (capped) in the text; a page
       that speaks about the terms in several sections lifts each of its sections, so "IRSA" leads to the AWS
       chapter (heading and four sections) before a chapter that lists it in one long table. */
    var hits = [];
    var perPage = {};
    prepared.forEach(function (entry) {
      var score = 0;
      for (var i = 0; i < terms.length; i += 1) {
        var t = terms[i];
        var inTitle = entry.title.indexOf(t) !== -1;
        var inHead = entry.head.indexOf(t) !== -1;
        var inBody = count(entry.body, t);
        if (!inTitle && !inHead && !inBody) {
          return;
        }
        score += (inTitle ? 8 : 0) + (inHead ? 12 : 0) + Math.min(inBody, 3);
      }
      var page = entry.href.split("#")[0];
      perPage[page] = (perPage[page] || 0) + 1;
      hits.push({ entry: entry, score: score, page: page });
    });
    hits.forEach(function (hit) {
      hit.score += 2 * Math.min(perPage[hit.page] - 1, 4);
    });
    hits.sort(function (a, b) {
      return b.score - a.score;
    });
    return { terms: terms, hits: hits.slice(0, MAX_RESULTS) };
  }

  function snippet(entry, terms) {
    var at = -1;
    for (var i = 0; i < terms.length && at === -1; i += 1) {
      at = entry.body.indexOf(terms[i]);
    }
    if (at === -1) {
      return entry.text.slice(0, 140);
    }
    var start = Math.max(0, at - 60);
    return (start > 0 ? "… " : "") + entry.text.slice(start, start + 160) + " …";
  }

  function appendMarked(parent, text, terms) {
    var folded = fold(text);
    var pos = 0;
    while (pos < text.length) {
      var next = -1;
      var len = 0;
      for (var i = 0; i < terms.length; i += 1) {
        var at = folded.indexOf(terms[i], pos);
        if (at !== -1 && (next === -1 || at < next)) {
          next = at;
          len = terms[i].length;
        }
      }
      if (next === -1 || folded.length !== text.length) {
        parent.appendChild(document.createTextNode(text.slice(pos)));
        return;
      }
      parent.appendChild(document.createTextNode(text.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + len);
      parent.appendChild(mark);
      pos = next + len;
    }
  }

  function showMessage(text) {
    box.textContent = "";
    var p = document.createElement("div");
    p.className = "fd-search-empty";
    p.textContent = text;
    box.appendChild(p);
    box.hidden = false;
  }

  function render() {
    var value = input.value.trim();
    if (!value || !prepared) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    var found = search(value);
    if (!found.hits.length) {
      showMessage("No results for \u201c" + value + "\u201d");
      return;
    }
    box.textContent = "";
    found.hits.forEach(function (hit) {
      var entry = hit.entry;
      var a = document.createElement("a");
      a.href = entry.href;
      a.className = "fd-result";
      a.setAttribute("role", "option");
      var title = document.createElement("span");
      title.className = "fd-result-title";
      title.textContent = entry.heading && entry.heading !== entry.page ? entry.page + " \u203a " + entry.heading : entry.page;
      a.appendChild(title);
      var text = document.createElement("span");
      text.className = "fd-result-text";
      appendMarked(text, snippet(entry, found.terms), found.terms);
      a.appendChild(text);
      box.appendChild(a);
    });
    box.hidden = false;
  }

  function move(step) {
    var links = box.querySelectorAll("a");
    if (!links.length) {
      return;
    }
    var current = box.querySelector("a.fd-active");
    var index = Array.prototype.indexOf.call(links, current);
    if (current) {
      current.classList.remove("fd-active");
    }
    index = (index + step + links.length) % links.length;
    links[index].classList.add("fd-active");
    links[index].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("focus", loadIndex);
  input.addEventListener("input", function () {
    loadIndex();
    if (prepared) {
      render();
    }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      var chosen = box.querySelector("a.fd-active") || box.querySelector("a");
      if (chosen) {
        window.location.href = chosen.href;
      }
    } else if (event.key === "Escape") {
      input.value = "";
      render();
    }
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target) && event.target !== input) {
      box.hidden = true;
    }
  });
  document.addEventListener("keydown", function (event) {
    var tag = document.activeElement ? document.activeElement.tagName : "";
    if (event.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "SELECT") {
      event.preventDefault();
      input.focus();
    }
  });
})();
