/* Controls that move in the static book (rnn-course).
 *
 * d2lmini.controls.controls, run by the book build, leaves after each panel's figures a
 * <div class="d2lmini-static" data-frames="ID" data-figures="N"> with native controls, and
 * writes _static/frames/ID.json (the frames: figure files and printed text per grid point).
 * Moving a control swaps the N figures above and the text to the frame for the new values;
 * a panel's frames are fetched when the reader first touches it. In "single" mode the
 * frames vary one control at a time, so moving one puts the others back to their defaults.
 *
 * d2lmini.controls.text_generator leaves <div class="d2lmini-textgen" data-frames="ID">;
 * ID.json holds a character RNN (W_xh, W_hh, b_h, W_hq, b_q, tokens) whose forward pass
 * runs here: H = tanh(x W_xh + H W_hh + b_h), logits = H W_hq + b_q.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var FRAMES = new URL("frames/", script ? script.src : window.location.href).href;
  var manifests = {};

  function manifest(id) {
    if (!manifests[id]) {
      manifests[id] = fetch(FRAMES + id + ".json").then(function (r) {
        if (!r.ok) throw new Error("frames " + id + ": HTTP " + r.status);
        return r.json();
      });
    }
    return manifests[id];
  }

  // ------------------------------------------------------------ precomputed frames
  function figureSlots(panel) {
    var want = parseInt(panel.dataset.figures || "0", 10), slots = [];
    var output = panel.closest(".output") || panel;
    var el = output.previousElementSibling;
    while (el && slots.length < want) {
      var imgs = el.tagName === "IMG" ? [el] : Array.prototype.slice.call(el.querySelectorAll("img"));
      for (var i = imgs.length - 1; i >= 0 && slots.length < want; i--) slots.unshift(imgs[i]);
      el = el.previousElementSibling;
    }
    return slots;
  }

  function initPanel(panel) {
    var id = panel.dataset.frames, single = panel.dataset.mode === "single";
    var slots = figureSlots(panel), pre = panel.querySelector(".d2lmini-frame-text");
    var controls = Array.prototype.slice.call(panel.querySelectorAll("[data-control]"));
    var state = controls.map(current), defaults = state.slice(), shown = state.join(",");

    function current(el) {
      if (el.type === "checkbox") return el.checked ? 1 : 0;
      if (el.classList.contains("d2lmini-buttons")) {
        var on = el.querySelector('[aria-pressed="true"]');
        return on ? parseInt(on.dataset.index, 10) : 0;
      }
      if (el.type === "text") return 0;
      return parseInt(el.value, 10);
    }

    function put(el, index) {  // show `index` in control `el`
      if (el.type === "checkbox") el.checked = !!index;
      else if (el.classList.contains("d2lmini-buttons")) {
        el.querySelectorAll("button").forEach(function (b) {
          b.setAttribute("aria-pressed", String(parseInt(b.dataset.index, 10) === index));
        });
      } else if (el.type !== "text") el.value = String(index);
      var out = el.parentElement.querySelector("output");
      if (out && el.dataset.labels) {
        var label = JSON.parse(el.dataset.labels)[index];
        out.textContent = label;
        el.setAttribute("aria-valuetext", label);
      }
    }

    function show(m, key) {
      var frame = m.frames[key];
      if (!frame) return;
      frame.images.forEach(function (name, i) {
        var img = slots[i];
        if (!img) {  // more figures than the first frame had
          img = document.createElement("img");
          img.alt = slots.length ? slots[0].alt : "";
          var after = slots.length ? slots[slots.length - 1] : panel;
          after.parentNode.insertBefore(img, slots.length ? after.nextSibling : after);
          slots.push(img);
        }
        var src = FRAMES + "img/" + name;
        if (img.src !== src) {
          // the build gave the first frame's figure its size; other frames have their own,
          // and the reader moving a control waits for them
          img.removeAttribute("width");
          img.removeAttribute("height");
          img.loading = "eager";
          img.src = src;
        }
        img.hidden = false;
      });
      for (var j = frame.images.length; j < slots.length; j++) slots[j].hidden = true;
      pre.textContent = frame.text;
      pre.hidden = !frame.text;
      panel.dataset.shown = key;
    }

    function moved(c, index) {
      if (single) {
        for (var k = 0; k < state.length; k++) {
          if (k !== c && state[k] !== defaults[k]) { state[k] = defaults[k]; put(controls[k], defaults[k]); }
        }
      }
      state[c] = index;
      put(controls[c], index);
      var key = state.join(",");
      if (key === shown) return;
      shown = key;
      panel.setAttribute("aria-busy", "true");
      manifest(id).then(function (m) {
        if (shown === key) show(m, key);
        panel.removeAttribute("aria-busy");
      }).catch(function (err) { panel.removeAttribute("aria-busy"); console.warn(err); });
    }

    controls.forEach(function (el, c) {
      if (el.type === "range") {
        el.addEventListener("input", function () { moved(c, parseInt(el.value, 10)); });
      } else if (el.tagName === "SELECT") {
        el.addEventListener("change", function () { moved(c, parseInt(el.value, 10)); });
      } else if (el.type === "checkbox") {
        el.addEventListener("change", function () { moved(c, el.checked ? 1 : 0); });
      } else if (el.classList.contains("d2lmini-buttons")) {
        el.addEventListener("click", function (ev) {
          var b = ev.target.closest("button");
          if (b) moved(c, parseInt(b.dataset.index, 10));
        });
      }
    });
    panel.d2lmini = {slots: slots, state: state};  // for tests and the curious
    panel.dataset.ready = "true";
  }

  // ------------------------------------------------------------ text generator
  function mulberry32(seed) {  // a small seeded PRNG (sampling need not match torch)
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function CharModel(m) {
    this.m = m;
    this.index = {};
    for (var i = 0; i < m.tokens.length; i++) this.index[m.tokens[i]] = i;
  }
  CharModel.prototype.step = function (h, token) {  // one RNN step, token index -> new h
    var m = this.m, n = m.b_h.length, out = new Array(n);
    for (var j = 0; j < n; j++) {
      var s = m.W_xh[token][j] + m.b_h[j];
      for (var k = 0; k < n; k++) s += h[k] * m.W_hh[k][j];
      out[j] = Math.tanh(s);
    }
    return out;
  };
  CharModel.prototype.logits = function (h) {
    var m = this.m, V = m.b_q.length, out = new Array(V);
    for (var q = 0; q < V; q++) {
      var s = m.b_q[q];
      for (var k = 0; k < h.length; k++) s += h[k] * m.W_hq[k][q];
      out[q] = s;
    }
    return out;
  };
  CharModel.prototype.ids = function (prefix) {  // characters outside the vocabulary: <unk>
    var self = this;
    return Array.from(prefix).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(self.index, ch) ? self.index[ch] : self.m.unk;
    });
  };
  CharModel.prototype.read = function (prefix) {  // hidden state after reading the prefix
    var h = new Array(this.m.b_h.length).fill(0), ids = this.ids(prefix);
    for (var i = 0; i < ids.length; i++) h = this.step(h, ids[i]);
    return h;
  };
  CharModel.prototype.probs = function (prefix, temperature) {
    var z = this.logits(this.read(prefix)), t = temperature || 1, max = -Infinity, sum = 0;
    for (var i = 0; i < z.length; i++) max = Math.max(max, z[i] / t);
    var p = z.map(function (v) { var e = Math.exp(v / t - max); sum += e; return e; });
    return p.map(function (v) { return v / sum; });
  };
  CharModel.prototype.generate = function (prefix, numPreds, temperature, seed) {
    var h = this.read(prefix), out = prefix, rand = mulberry32(seed || 0);
    for (var n = 0; n < numPreds; n++) {
      var z = this.logits(h), next = 0;
      if (!temperature) {
        for (var i = 1; i < z.length; i++) if (z[i] > z[next]) next = i;
      } else {
        var max = -Infinity, sum = 0, p = [];
        for (i = 0; i < z.length; i++) max = Math.max(max, z[i] / temperature);
        for (i = 0; i < z.length; i++) { p.push(Math.exp(z[i] / temperature - max)); sum += p[i]; }
        var r = rand() * sum;
        for (next = 0; next < p.length - 1 && r >= p[next]; next++) r -= p[next];
      }
      out += this.m.tokens[next];
      h = this.step(h, next);
    }
    return out;
  };

  function initTextgen(panel) {
    var id = panel.dataset.frames, pre = panel.querySelector(".d2lmini-frame-text");
    var field = function (name) { return panel.querySelector('[data-name="' + name + '"]'); };
    var buttons = field("mode");
    function update() {
      panel.querySelectorAll('input[type="range"]').forEach(function (el) {
        var out = el.parentElement.querySelector("output");
        if (out) out.textContent = el.value;
      });
      var mode = buttons.querySelector('[aria-pressed="true"]').dataset.mode;
      field("temperature").disabled = mode !== "sampling";
      panel.setAttribute("aria-busy", "true");
      return manifest(id).then(function (m) {
        var model = panel._model || (panel._model = new CharModel(m.model));
        var prefix = field("prefix").value;
        pre.textContent = prefix ? model.generate(
          prefix, parseInt(field("num_preds").value, 10),
          mode === "sampling" ? parseFloat(field("temperature").value) : 0,
          parseInt(field("seed").value, 10)) : "시작 글자를 입력하세요. · Type a prefix.";
        panel.removeAttribute("aria-busy");
        panel.dataset.shown = "true";
      });
    }
    panel.addEventListener("input", update);
    buttons.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      buttons.querySelectorAll("button").forEach(function (x) {
        x.setAttribute("aria-pressed", String(x === b));
      });
      update();
    });
    field("temperature").disabled =
      buttons.querySelector('[aria-pressed="true"]').dataset.mode !== "sampling";
    // for tests and the curious: the model of this panel, once loaded
    panel.d2lmini = {
      load: function () {
        return manifest(id).then(function (m) {
          return panel._model || (panel._model = new CharModel(m.model));
        });
      },
      update: update
    };
    panel.dataset.ready = "true";
  }

  function init() {
    document.querySelectorAll(".d2lmini-static").forEach(initPanel);
    document.querySelectorAll(".d2lmini-textgen").forEach(initTextgen);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
