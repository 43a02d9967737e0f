/**
 * The web console script (/console/app.js): a dependency-free single-page app over the /api routes.
 * Builds the DOM with createElement/textContent only (message contents are untrusted).
 * Served as is (no build step). Kept as a TypeScript string so that tsc and the
 * esbuild-bundled dist/cli.js carry it without copying asset files: write it
 * without backticks and without dollar-brace sequences, in ASCII (\u escapes in
 * strings: the CLI bundle must be ASCII, scripts/bundle-cli.mjs).
 */
export const CONSOLE_JS = String.raw`(function () {
  'use strict';

  // Everything shown comes from the broker and may contain untrusted text (message keys,
  // values, headers, client ids): the DOM is built with createElement/textContent only,
  // never by parsing HTML strings, so nothing in the data is ever treated as markup.

  var app = document.getElementById('app');
  var state = { snapshot: null, view: null, live: false };

  // ---- DOM helpers ----------------------------------------------------------------

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k === 'value') el.value = v;
        else if (k === 'checked') el.checked = true;
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }

  function add(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) {
      for (var i = 0; i < c.length; i++) add(el, c[i]);
      return;
    }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  function api(path, opts) {
    return fetch(path, opts).then(function (res) {
      return res
        .json()
        .catch(function () {
          return null;
        })
        .then(function (body) {
          if (!res.ok) throw new Error((body && body.error) || res.status + ' ' + res.statusText);
          return body;
        });
    });
  }

  function postJson(path, body) {
    return api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  // ---- Formatting -----------------------------------------------------------------

  var numFmt = new Intl.NumberFormat('en-US');
  function num(n) {
    return n === null || n === undefined ? '\u2013' : numFmt.format(n);
  }

  function bytes(n) {
    if (n === null || n === undefined) return '\u2013';
    if (n < 1024) return n + ' B';
    var units = ['KiB', 'MiB', 'GiB', 'TiB'];
    var v = n;
    var i = -1;
    do {
      v /= 1024;
      i++;
    } while (v >= 1024 && i < units.length - 1);
    return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + ' ' + units[i];
  }

  function pad(n, w) {
    var s = String(n);
    while (s.length < (w || 2)) s = '0' + s;
    return s;
  }

  function time(ms) {
    if (ms === null || ms === undefined || ms < 0) return '\u2013';
    var d = new Date(ms);
    if (isNaN(d.getTime())) return String(ms);
    return (
      d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3)
    );
  }

  function localInputValue(ms) {
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function badge(text, kind) {
    return h('span', { class: 'badge' + (kind ? ' badge-' + kind : '') }, text);
  }

  function stateBadge(s) {
    var kind = s === 'Stable' ? 'ok' : s === 'Empty' || s === 'Dead' ? 'muted' : 'warn';
    return badge(s, kind);
  }

  function lagCell(lag) {
    if (lag === null || lag === undefined) return h('td', { class: 'num lag muted' }, '\u2013');
    return h('td', { class: 'num lag ' + (lag > 0 ? 'lag-behind' : 'lag-zero') }, num(lag));
  }

  function table(id, heads, body) {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: id },
        h('thead', null, h('tr', null, heads.map(function (x) {
          return typeof x === 'string' ? h('th', null, x) : h('th', { class: x.cls }, x.text);
        }))),
        body
      )
    );
  }

  function emptyRow(cols, text) {
    return h('tr', { class: 'empty' }, h('td', { colspan: cols }, text));
  }

  function errorBox(err) {
    return h('div', { class: 'error', role: 'alert' }, String(err && err.message ? err.message : err));
  }

  // ---- Bytes (keys, values, headers) ---------------------------------------------------

  function toBytes(v) {
    if (v.base64 !== undefined) {
      var bin = atob(v.base64);
      var out = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
    return new TextEncoder().encode(v.text);
  }

  var HEX_LIMIT = 4096;
  function hexDump(b) {
    var lines = [];
    var n = Math.min(b.length, HEX_LIMIT);
    for (var off = 0; off < n; off += 16) {
      var hex = '';
      var ascii = '';
      for (var j = 0; j < 16; j++) {
        if (off + j < n) {
          var c = b[off + j];
          hex += (c < 16 ? '0' : '') + c.toString(16) + (j === 7 ? '  ' : ' ');
          ascii += c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
        } else {
          hex += j === 7 ? '    ' : '   ';
        }
      }
      lines.push(pad(off.toString(16), 8) + '  ' + hex + ' ' + ascii);
    }
    if (b.length > n) lines.push('\u2026 ' + num(b.length - n) + ' more bytes');
    return lines.join('\n');
  }

  /** Text to show for a key/value in a view mode: { text, kind } where kind picks the style. */
  function present(v, mode) {
    if (v === null) return { text: 'null', kind: 'null' };
    var isText = v.text !== undefined;
    if (mode === 'hex' || (!isText && mode !== 'text')) return { text: hexDump(toBytes(v)), kind: 'hex' };
    if (!isText) return { text: '(binary, ' + num(v.size) + ' bytes: use Hex)', kind: 'null' };
    if (mode === 'json' || (mode === 'auto' && v.json)) {
      try {
        return { text: JSON.stringify(JSON.parse(v.text), null, 2), kind: 'json' };
      } catch (e) {
        if (mode === 'json') return { text: v.text, kind: 'text', note: 'not JSON' };
      }
    }
    return { text: v.text, kind: 'text' };
  }

  function bytesEl(tag, v, mode, cls) {
    var p = present(v, mode);
    var el = h(tag, { class: cls + ' v-' + p.kind }, p.text);
    if (v && v.truncated) el.appendChild(h('span', { class: 'note' }, ' \u2026 (truncated: ' + bytes(v.size) + ' in all)'));
    if (p.note) el.appendChild(h('span', { class: 'note' }, ' (' + p.note + ')'));
    return el;
  }

  // ---- Header: broker info and live indicator ----------------------------------------------

  var brokerEl = document.getElementById('broker');
  var liveEl = document.getElementById('live');

  function renderBroker(b) {
    clear(brokerEl);
    add(brokerEl, [
      h('span', { class: 'kv', title: 'bootstrap servers' }, h('span', { class: 'k' }, 'bootstrap'), h('code', null, b.bootstrapServers)),
      h('span', { class: 'kv', title: 'cluster id' }, h('span', { class: 'k' }, 'cluster'), h('code', null, b.clusterId)),
      h('span', { class: 'kv' }, h('span', { class: 'k' }, 'node'), String(b.nodeId)),
      b.kafkaVersion ? h('span', { class: 'kv' }, h('span', { class: 'k' }, 'emulating'), 'Kafka ' + b.kafkaVersion) : null,
      h('span', { class: 'kv' }, h('span', { class: 'k' }, 'storage'), b.storage),
      h('span', { class: 'kv' }, h('span', { class: 'k' }, 'connections'), String(b.connections)),
    ]);
  }

  function setLive(on) {
    state.live = on;
    liveEl.className = 'live ' + (on ? 'on' : 'off');
    liveEl.textContent = on ? 'live' : 'reconnecting\u2026';
    liveEl.title = on ? 'Receiving updates from the broker' : 'Lost the connection to the broker; retrying';
  }

  function connect() {
    if (!window.EventSource) return poll();
    var es = new EventSource('/api/events');
    es.addEventListener('snapshot', function (e) {
      onSnapshot(JSON.parse(e.data));
    });
    es.onopen = function () {
      setLive(true);
    };
    es.onerror = function () {
      setLive(false);
    };
  }

  function poll() {
    api('/api/overview')
      .then(function (s) {
        onSnapshot(s);
      })
      .catch(function () {
        setLive(false);
      })
      .then(function () {
        setTimeout(poll, 2000);
      });
  }

  function onSnapshot(snap) {
    state.snapshot = snap;
    setLive(true);
    renderBroker(snap.broker);
    if (state.view && state.view.onSnapshot) state.view.onSnapshot(snap);
  }

  // ---- Router -----------------------------------------------------------------------------

  function route() {
    var hash = location.hash.replace(/^#\/?/, '');
    var parts = hash.split('/').filter(Boolean).map(function (p) {
      try {
        return decodeURIComponent(p);
      } catch (e) {
        return p;
      }
    });
    if (state.view && state.view.destroy) state.view.destroy();
    clear(app);
    var view;
    var section = parts[0] === 'groups' ? 'groups' : 'topics';
    if (parts[0] === 'groups' && parts.length > 1) view = groupView(parts[1]);
    else if (parts[0] === 'groups') view = groupsView();
    else if (parts[0] === 'topics' && parts.length > 1) view = topicView(parts[1]);
    else view = topicsView();
    var links = document.querySelectorAll('[data-nav]');
    for (var i = 0; i < links.length; i++) links[i].classList.toggle('active', links[i].getAttribute('data-nav') === section);
    app.appendChild(view.el);
    state.view = view;
    if (state.snapshot && view.onSnapshot) view.onSnapshot(state.snapshot);
    window.scrollTo(0, 0);
  }

  // ---- Topics -------------------------------------------------------------------------------

  function topicsView() {
    var filter = h('input', { type: 'search', class: 'filter', placeholder: 'Filter topics', 'aria-label': 'Filter topics' });
    var internal = h('input', { type: 'checkbox', id: 'show-internal' });
    var tbody = h('tbody', null, emptyRow(5, 'Loading\u2026'));
    var summary = h('span', { class: 'muted' });
    var formBox = h('div', { class: 'card form-card', hidden: true });
    var toggle = h('button', { type: 'button', class: 'btn', id: 'new-topic-toggle' }, 'New topic');
    toggle.addEventListener('click', function () {
      formBox.hidden = !formBox.hidden;
      if (!formBox.hidden) formBox.querySelector('input').focus();
    });
    formBox.appendChild(newTopicForm());

    function render() {
      var snap = state.snapshot;
      if (!snap) return;
      var q = filter.value.trim().toLowerCase();
      var all = snap.topics.filter(function (t) {
        return internal.checked || !t.internal;
      });
      var rows = all.filter(function (t) {
        return t.name.toLowerCase().indexOf(q) >= 0;
      });
      clear(tbody);
      if (rows.length === 0) tbody.appendChild(emptyRow(5, all.length === 0 ? 'No topics yet: produce to one with any client, or create one.' : 'No topic matches the filter.'));
      rows.forEach(function (t) {
        tbody.appendChild(
          h(
            'tr',
            { 'data-topic': t.name },
            h('td', null, h('a', { class: 'topic-link', href: '#/topics/' + enc(t.name) }, t.name), t.internal ? badge('internal', 'muted') : null),
            h('td', { class: 'num' }, num(t.partitionCount)),
            h('td', { class: 'num' }, num(t.messages)),
            h('td', { class: 'num' }, bytes(t.sizeBytes)),
            h('td', { class: 'num hide-narrow' }, highWatermarks(t))
          )
        );
      });
      summary.textContent = all.length + (all.length === 1 ? ' topic' : ' topics');
    }
    filter.addEventListener('input', render);
    internal.addEventListener('change', render);

    var el = h(
      'section',
      { class: 'view' },
      h('div', { class: 'page-head' }, h('h1', null, 'Topics'), summary, h('div', { class: 'spacer' }), toggle),
      formBox,
      h('div', { class: 'toolbar' }, filter, h('label', { class: 'check' }, internal, ' Show internal topics')),
      table('topics-table', ['Topic', { text: 'Partitions', cls: 'num' }, { text: 'Messages', cls: 'num' }, { text: 'Size', cls: 'num' }, { text: 'End offsets', cls: 'num hide-narrow' }], tbody)
    );
    return { el: el, onSnapshot: render };
  }

  function highWatermarks(t) {
    var list = t.partitions.map(function (p) {
      return num(p.highWatermark);
    });
    return list.length > 6 ? list.slice(0, 6).join(' \u00b7 ') + ' \u2026' : list.join(' \u00b7 ');
  }

  function newTopicForm() {
    var status = h('div', { class: 'status' });
    var form = h(
      'form',
      { id: 'new-topic-form', class: 'form-grid', autocomplete: 'off' },
      h('label', null, h('span', null, 'Name'), h('input', { name: 'name', required: true, placeholder: 'orders', pattern: '[a-zA-Z0-9._\\-]+', maxlength: 249 })),
      h('label', null, h('span', null, 'Partitions'), h('input', { name: 'partitions', type: 'number', min: 1, max: 10000, placeholder: 'broker default' })),
      h('label', { class: 'wide' }, h('span', null, 'Configs (one name=value per line)'), h('textarea', { name: 'configs', rows: 3, placeholder: 'retention.ms=3600000\ncleanup.policy=compact' })),
      h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary' }, 'Create topic'), status)
    );
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var name = field(form, 'name').value.trim();
      var body = { name: name };
      if (field(form, 'partitions').value !== '') body.partitions = Number(field(form, 'partitions').value);
      var configs = parseLines(field(form, 'configs').value, '=');
      if (configs.error) return showStatus(status, configs.error, true);
      if (configs.list.length) {
        body.configs = {};
        configs.list.forEach(function (c) {
          body.configs[c.key] = c.value;
        });
      }
      showStatus(status, 'Creating\u2026');
      postJson('/api/topics', body).then(
        function () {
          location.hash = '#/topics/' + enc(name);
        },
        function (err) {
          showStatus(status, err.message, true);
        }
      );
    });
    return form;
  }

  /** "name<sep>value" lines (blank lines skipped) -> { list: [{key, value}] } or { error }. */
  function parseLines(text, sep) {
    var list = [];
    var lines = text.split('\n');
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim();
      if (line === '') continue;
      var at = line.indexOf(sep);
      if (at <= 0) return { error: 'line ' + (i + 1) + ': expected name' + sep + 'value' };
      list.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
    }
    return { list: list };
  }

  function showStatus(el, text, isError) {
    el.textContent = text;
    el.className = 'status' + (isError ? ' status-error' : ' status-ok');
  }

  // ---- One topic: partitions, messages, produce, configs ------------------------------------

  function topicView(name) {
    var partBody = h('tbody', null, emptyRow(7, 'Loading\u2026'));
    var meta = h('div', { class: 'meta' });
    var notice = h('div');
    var configsBody = h('tbody');
    var configsSummary = h('summary', null, 'Configs');
    var lastSig = '';
    var browser = messageBrowser(name);
    var producer = produceForm(name, browser);

    function renderPartitions(t) {
      clear(partBody);
      t.partitions.forEach(function (p) {
        partBody.appendChild(
          h(
            'tr',
            null,
            h('td', { class: 'num' }, String(p.partition)),
            h('td', { class: 'num' }, String(p.leader)),
            h('td', { class: 'num' }, num(p.logStartOffset)),
            h('td', { class: 'num hw' }, num(p.highWatermark)),
            h('td', { class: 'num' }, p.lastStableOffset < p.highWatermark ? num(p.lastStableOffset) : h('span', { class: 'muted' }, num(p.lastStableOffset))),
            h('td', { class: 'num' }, num(p.messages)),
            h('td', { class: 'num' }, bytes(p.sizeBytes))
          )
        );
      });
      clear(meta);
      add(meta, [
        h('span', { class: 'kv' }, h('span', { class: 'k' }, 'id'), h('code', null, t.topicId)),
        h('span', { class: 'kv' }, h('span', { class: 'k' }, 'partitions'), String(t.partitionCount)),
        h('span', { class: 'kv' }, h('span', { class: 'k' }, 'messages'), num(t.messages)),
        h('span', { class: 'kv' }, h('span', { class: 'k' }, 'size'), bytes(t.sizeBytes)),
        t.internal ? badge('internal', 'muted') : null,
      ]);
    }

    function renderConfigs(configs) {
      clear(configsBody);
      var overridden = 0;
      configs.forEach(function (c) {
        if (c.override) overridden++;
        configsBody.appendChild(
          h(
            'tr',
            { class: c.override ? 'override' : '' },
            h('td', null, h('code', null, c.name)),
            h('td', { class: 'cfg-value' }, c.value === null ? h('span', { class: 'muted' }, '(sensitive)') : c.value),
            h('td', null, c.override ? badge('topic', 'accent') : h('span', { class: 'muted small' }, c.source.replace(/_/g, ' ').toLowerCase()))
          )
        );
      });
      configsSummary.textContent = 'Configs (' + configs.length + ', ' + overridden + ' set on this topic)';
    }

    api('/api/topics/' + enc(name)).then(
      function (d) {
        lastSig = JSON.stringify(d.partitions);
        renderPartitions(d);
        renderConfigs(d.configs);
        browser.setTopic(d);
        producer.setTopic(d);
      },
      function (err) {
        clear(notice);
        notice.appendChild(errorBox(err));
      }
    );

    var el = h(
      'section',
      { class: 'view' },
      h('div', { class: 'page-head' }, h('a', { class: 'back', href: '#/topics' }, '\u2190 Topics'), h('h1', { class: 'title' }, name)),
      meta,
      notice,
      h('div', { class: 'card' }, h('h2', null, 'Partitions'), table('partitions-table', [
        { text: 'Partition', cls: 'num' }, { text: 'Leader', cls: 'num' }, { text: 'Log start', cls: 'num' }, { text: 'High watermark', cls: 'num' },
        { text: 'Last stable', cls: 'num' }, { text: 'Messages', cls: 'num' }, { text: 'Size', cls: 'num' },
      ], partBody)),
      h('div', { class: 'split' }, browser.el, producer.el),
      h('details', { class: 'card configs' }, configsSummary, table('configs-table', ['Name', 'Value', 'Source'], configsBody))
    );

    return {
      el: el,
      onSnapshot: function (snap) {
        var t = null;
        for (var i = 0; i < snap.topics.length; i++) if (snap.topics[i].name === name) t = snap.topics[i];
        clear(notice);
        if (!t) {
          notice.appendChild(errorBox('Topic ' + name + ' does not exist (any more).'));
          return;
        }
        var sig = JSON.stringify(t.partitions);
        if (sig === lastSig) return;
        lastSig = sig;
        renderPartitions(t);
        browser.onPartitions(t.partitions);
      },
      destroy: function () {
        browser.destroy();
      },
    };
  }

  function messageBrowser(topic) {
    var opts = { partition: 0, from: 'end', limit: 50, mode: 'auto', control: false, follow: true };
    var loaded = null; // last browse result: { startOffset, nextOffset, highWatermark, messages }
    var busy = false;
    var pending = false;
    var fresh = null;

    var partitionSel = h('select', { name: 'partition', 'aria-label': 'Partition' });
    var fromSel = h(
      'select',
      { name: 'from', 'aria-label': 'Start from' },
      h('option', { value: 'end' }, 'Newest'),
      h('option', { value: 'beginning' }, 'Oldest'),
      h('option', { value: 'offset' }, 'Offset\u2026'),
      h('option', { value: 'timestamp' }, 'Time\u2026')
    );
    var offsetIn = h('input', { type: 'number', name: 'offset', min: 0, placeholder: 'offset', 'aria-label': 'Offset', hidden: true });
    var timeIn = h('input', { type: 'datetime-local', name: 'timestamp', step: 1, 'aria-label': 'Timestamp', hidden: true });
    var limitSel = h('select', { name: 'limit', 'aria-label': 'Messages per page' }, [20, 50, 100, 200, 500].map(function (n) {
      return h('option', { value: n, selected: n === 50 }, n + ' msgs');
    }));
    var modeSel = h(
      'select',
      { name: 'mode', 'aria-label': 'Show values as' },
      h('option', { value: 'auto' }, 'Auto'),
      h('option', { value: 'text' }, 'Text'),
      h('option', { value: 'json' }, 'JSON'),
      h('option', { value: 'hex' }, 'Hex')
    );
    var followBox = h('input', { type: 'checkbox', name: 'follow', checked: true });
    var controlBox = h('input', { type: 'checkbox', name: 'control' });
    var goBtn = h('button', { type: 'submit', class: 'btn' }, 'Load');
    var list = h('div', { id: 'messages', class: 'messages', 'aria-live': 'polite' });
    var info = h('div', { class: 'muted small browse-info' });
    var olderBtn = h('button', { type: 'button', class: 'btn', hidden: true }, '\u2190 Older');
    var newerBtn = h('button', { type: 'button', class: 'btn', hidden: true }, 'Newer \u2192');
    var err = h('div');

    var form = h(
      'form',
      { class: 'toolbar browse', id: 'browse-form' },
      partitionSel, fromSel, offsetIn, timeIn, limitSel, modeSel,
      h('label', { class: 'check', title: 'Add new messages as they arrive (Newest only)' }, followBox, ' Follow'),
      h('label', { class: 'check', title: 'Show transaction markers (control records)' }, controlBox, ' Markers'),
      goBtn
    );

    function syncInputs() {
      offsetIn.hidden = fromSel.value !== 'offset';
      timeIn.hidden = fromSel.value !== 'timestamp';
      followBox.disabled = fromSel.value !== 'end';
      if (fromSel.value === 'timestamp' && !timeIn.value) timeIn.value = localInputValue(Date.now() - 3600 * 1000);
    }
    fromSel.addEventListener('change', function () {
      syncInputs();
      if (fromSel.value === 'end' || fromSel.value === 'beginning') load();
    });
    partitionSel.addEventListener('change', function () {
      load();
    });
    limitSel.addEventListener('change', function () {
      load();
    });
    modeSel.addEventListener('change', function () {
      opts.mode = modeSel.value;
      render();
    });
    controlBox.addEventListener('change', function () {
      load();
    });
    followBox.addEventListener('change', function () {
      opts.follow = followBox.checked;
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      load();
    });
    olderBtn.addEventListener('click', function () {
      if (!loaded) return;
      var start = Math.max(loaded.logStartOffset, loaded.startOffset - opts.limit);
      fromSel.value = 'offset';
      offsetIn.value = String(start);
      syncInputs();
      load();
    });
    newerBtn.addEventListener('click', function () {
      if (!loaded) return;
      fromSel.value = 'offset';
      offsetIn.value = String(loaded.nextOffset);
      syncInputs();
      load();
    });

    function query(extra) {
      var q = 'limit=' + opts.limit + (opts.control ? '&control=true' : '');
      return '/api/topics/' + enc(topic) + '/partitions/' + opts.partition + '/messages?' + q + '&' + extra;
    }

    function load() {
      opts.partition = Number(partitionSel.value || 0);
      opts.from = fromSel.value;
      opts.limit = Number(limitSel.value);
      opts.control = controlBox.checked;
      opts.follow = followBox.checked;
      var where;
      if (opts.from === 'offset') {
        if (offsetIn.value === '') return showErr('Enter an offset.');
        where = 'offset=' + enc(offsetIn.value);
      } else if (opts.from === 'timestamp') {
        var ms = new Date(timeIn.value).getTime();
        if (isNaN(ms)) return showErr('Enter a date and time.');
        where = 'timestamp=' + ms;
      } else {
        where = 'from=' + opts.from;
      }
      busy = true;
      goBtn.disabled = true;
      return api(query(where))
        .then(
          function (r) {
            clear(err);
            loaded = r;
            render();
          },
          function (e) {
            showErr(e.message);
          }
        )
        .then(function () {
          busy = false;
          goBtn.disabled = false;
          if (pending) {
            pending = false;
            follow();
          }
        });
    }

    function showErr(text) {
      clear(err);
      err.appendChild(errorBox(text));
    }

    /** Newest mode, following: fetch what arrived after the last message shown and prepend it. */
    function follow() {
      if (!loaded || opts.from !== 'end' || !opts.follow) return;
      if (busy) {
        pending = true;
        return;
      }
      busy = true;
      api(query('offset=' + loaded.nextOffset))
        .then(function (r) {
          if (!loaded || r.partition !== loaded.partition) return;
          var seen = {};
          loaded.messages.forEach(function (m) {
            seen[m.offset] = true;
          });
          var added = r.messages.filter(function (m) {
            return !seen[m.offset];
          });
          loaded.messages = loaded.messages.concat(added);
          if (loaded.messages.length > opts.limit) loaded.messages = loaded.messages.slice(loaded.messages.length - opts.limit);
          if (loaded.messages.length) loaded.startOffset = loaded.messages[0].offset;
          loaded.nextOffset = r.nextOffset;
          loaded.highWatermark = r.highWatermark;
          loaded.logStartOffset = r.logStartOffset;
          loaded.lastStableOffset = r.lastStableOffset;
          render();
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (pending) {
            pending = false;
            follow();
          }
        });
    }

    function render() {
      clear(list);
      if (!loaded) return;
      var msgs = loaded.messages.slice();
      if (opts.from === 'end') msgs.reverse();
      if (msgs.length === 0) {
        list.appendChild(h('div', { class: 'empty-msgs' }, loaded.highWatermark === loaded.logStartOffset ? 'This partition is empty.' : 'No messages here.'));
      }
      msgs.forEach(function (m) {
        list.appendChild(messageEl(m, opts.mode, fresh !== null && m.offset === fresh.offset && loaded.partition === fresh.partition));
      });
      info.textContent =
        'Partition ' + loaded.partition + ': offsets ' + num(loaded.logStartOffset) + ' \u2013 ' + num(loaded.highWatermark) +
        (loaded.messages.length ? ' \u00b7 showing ' + num(loaded.messages[0].offset) + ' \u2013 ' + num(loaded.messages[loaded.messages.length - 1].offset) : '') +
        (loaded.errors ? ' \u00b7 ' + loaded.errors.length + ' undecodable batch(es) skipped' : '');
      olderBtn.hidden = !(loaded.startOffset > loaded.logStartOffset);
      newerBtn.hidden = !(opts.from !== 'end' && loaded.nextOffset < loaded.highWatermark);
    }

    var el = h(
      'div',
      { class: 'card browser' },
      h('h2', null, 'Messages'),
      form,
      err,
      h('div', { class: 'pager' }, info, h('div', { class: 'spacer' }), olderBtn, newerBtn),
      list
    );

    return {
      el: el,
      setTopic: function (t) {
        // Start on the first partition that holds something.
        for (var i = 0; i < t.partitions.length; i++) {
          if (t.partitions[i].highWatermark > t.partitions[i].logStartOffset) {
            opts.partition = t.partitions[i].partition;
            break;
          }
        }
        clear(partitionSel);
        t.partitions.forEach(function (p) {
          partitionSel.appendChild(h('option', { value: p.partition }, 'Partition ' + p.partition));
        });
        partitionSel.value = String(opts.partition);
        syncInputs();
        load();
      },
      onPartitions: function (ps) {
        var p = ps[opts.partition];
        if (p && loaded && (p.highWatermark > loaded.nextOffset || p.logStartOffset !== loaded.logStartOffset)) {
          if (opts.from === 'end' && opts.follow) follow();
        }
      },
      /** After a produce from the form: show that partition's newest messages, the new one marked. */
      show: function (partition, offset) {
        fresh = { partition: partition, offset: offset };
        partitionSel.value = String(partition);
        if (opts.from === 'end' && opts.partition === partition && loaded && opts.follow) return follow();
        fromSel.value = 'end';
        syncInputs();
        load();
      },
      destroy: function () {
        loaded = null;
      },
    };
  }

  function messageEl(m, mode, isFresh) {
    var flags = [];
    if (m.control) flags.push(badge(m.control === 'COMMIT' ? 'commit marker' : m.control === 'ABORT' ? 'abort marker' : 'control', 'muted'));
    if (m.aborted) flags.push(badge('aborted', 'bad'));
    if (m.pending) flags.push(badge('open transaction', 'warn'));
    else if (m.transactional && !m.control && !m.aborted) flags.push(badge('transactional', 'muted'));
    if (m.compression !== 'none') flags.push(badge(m.compression, 'muted'));
    if (m.timestampType === 'LogAppendTime') flags.push(badge('log append time', 'muted'));

    var side = h(
      'div',
      { class: 'msg-side' },
      h('div', { class: 'msg-offset' }, h('span', { class: 'k' }, 'offset '), h('strong', null, num(m.offset))),
      h('div', { class: 'msg-time', title: String(m.timestamp) }, time(m.timestamp)),
      m.control ? null : h('div', { class: 'msg-key' }, h('span', { class: 'k' }, 'key '), bytesEl('code', m.key, shortMode(m.key, mode), 'key')),
      flags.length ? h('div', { class: 'flags' }, flags) : null
    );
    var body = h('div', { class: 'msg-body' });
    if (!m.control) {
      body.appendChild(bytesEl('pre', m.value, mode, 'msg-value'));
      if (m.headers.length) {
        body.appendChild(
          h(
            'div',
            { class: 'headers' },
            m.headers.map(function (hd) {
              var p = present(hd.value, shortMode(hd.value, mode));
              return h('span', { class: 'header-chip' }, h('span', { class: 'hk' }, hd.key), h('span', { class: 'hv v-' + p.kind }, p.text));
            })
          )
        );
      }
      body.appendChild(h('div', { class: 'msg-size muted small' }, bytes(m.size)));
    }
    return h('article', { class: 'msg' + (isFresh ? ' fresh' : '') + (m.aborted ? ' is-aborted' : ''), 'data-offset': m.offset }, side, body);
  }

  /** Keys and header values: text when they are text (hex otherwise, or when asked). */
  function shortMode(v, mode) {
    return mode === 'hex' || (v && v.text === undefined) ? 'hex' : 'text';
  }

  function field(form, name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function produceForm(topic, browser) {
    var partitionSel = h('select', { name: 'partition' }, h('option', { value: '' }, 'Auto'));
    var status = h('div', { class: 'status', id: 'produce-status', role: 'status' });
    var form = h(
      'form',
      { id: 'produce-form', class: 'form-grid', autocomplete: 'off' },
      h('label', null, h('span', null, 'Partition'), partitionSel),
      h('label', null, h('span', null, 'Key'), h('input', { name: 'key', placeholder: 'none' })),
      h('label', { class: 'wide' }, h('span', null, 'Value'), h('textarea', { name: 'value', rows: 6, placeholder: '{"hello": "world"}', spellcheck: 'false' })),
      h('label', { class: 'wide' }, h('span', null, 'Headers (one name: value per line)'), h('textarea', { name: 'headers', rows: 2, placeholder: 'trace-id: 42', spellcheck: 'false' })),
      h('label', { class: 'check wide' }, h('input', { type: 'checkbox', name: 'nullValue' }), ' Null value (tombstone)'),
      h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary' }, 'Produce'), status)
    );
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var headers = parseLines(field(form, 'headers').value, ':');
      if (headers.error) return showStatus(status, headers.error, true);
      var key = field(form, 'key').value;
      var body = {
        key: key === '' ? null : key,
        value: field(form, 'nullValue').checked ? null : field(form, 'value').value,
        headers: headers.list,
      };
      if (partitionSel.value !== '') body.partition = Number(partitionSel.value);
      var btn = form.querySelector('button[type=submit]');
      btn.disabled = true;
      showStatus(status, 'Producing\u2026');
      postJson('/api/topics/' + enc(topic) + '/messages', body)
        .then(
          function (r) {
            showStatus(status, 'Produced to partition ' + r.partition + ' at offset ' + num(r.offset) + '.');
            browser.show(r.partition, r.offset);
          },
          function (err) {
            showStatus(status, err.message, true);
          }
        )
        .then(function () {
          btn.disabled = false;
        });
    });
    return {
      el: h('div', { class: 'card producer' }, h('h2', null, 'Produce a message'), form),
      setTopic: function (t) {
        t.partitions.forEach(function (p) {
          partitionSel.appendChild(h('option', { value: p.partition }, 'Partition ' + p.partition));
        });
      },
    };
  }

  // ---- Consumer groups ----------------------------------------------------------------------

  function groupsView() {
    var tbody = h('tbody', null, emptyRow(6, 'Loading\u2026'));
    var summary = h('span', { class: 'muted' });
    var filter = h('input', { type: 'search', class: 'filter', placeholder: 'Filter groups', 'aria-label': 'Filter groups' });

    function render() {
      var snap = state.snapshot;
      if (!snap) return;
      var q = filter.value.trim().toLowerCase();
      var rows = snap.groups.filter(function (g) {
        return g.groupId.toLowerCase().indexOf(q) >= 0;
      });
      clear(tbody);
      if (rows.length === 0) tbody.appendChild(emptyRow(6, snap.groups.length === 0 ? 'No consumer groups yet.' : 'No group matches the filter.'));
      rows.forEach(function (g) {
        tbody.appendChild(
          h(
            'tr',
            { 'data-group': g.groupId },
            h('td', null, h('a', { class: 'group-link', href: '#/groups/' + enc(g.groupId) }, g.groupId)),
            h('td', { class: 'hide-narrow' }, g.type === 'consumer' ? 'consumer (KIP-848)' : 'classic'),
            h('td', null, stateBadge(g.state)),
            h('td', { class: 'num hide-narrow' }, num(g.members)),
            h('td', null, g.topics.join(', ')),
            lagCell(g.lag)
          )
        );
      });
      summary.textContent = snap.groups.length + (snap.groups.length === 1 ? ' group' : ' groups');
    }
    filter.addEventListener('input', render);

    var el = h(
      'section',
      { class: 'view' },
      h('div', { class: 'page-head' }, h('h1', null, 'Consumer groups'), summary),
      h('div', { class: 'toolbar' }, filter),
      table('groups-table', ['Group', { text: 'Protocol', cls: 'hide-narrow' }, 'State', { text: 'Members', cls: 'num hide-narrow' }, 'Topics', { text: 'Lag', cls: 'num' }], tbody)
    );
    return { el: el, onSnapshot: render };
  }

  function groupView(groupId) {
    var cards = h('div', { class: 'stats' });
    var membersBody = h('tbody', null, emptyRow(5, 'Loading\u2026'));
    var lagBody = h('tbody', null, emptyRow(6, 'Loading\u2026'));
    var notice = h('div');
    var lastSig = null;
    var inflight = false;
    var again = false;

    function assignmentText(a) {
      if (a === null) return h('span', { class: 'muted' }, 'not the consumer protocol');
      if (a.length === 0) return h('span', { class: 'muted' }, 'none');
      return a.map(function (x) {
        return x.topic + ': ' + x.partitions.join(', ');
      }).join(' \u00b7 ');
    }

    function stat(label, value, cls) {
      return h('div', { class: 'stat ' + (cls || '') }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value));
    }

    function render(g) {
      clear(cards);
      add(cards, [
        stat('State', stateBadge(g.state)),
        stat('Protocol', g.type === 'consumer' ? 'consumer (KIP-848)' : 'classic' + (g.protocolType ? ' / ' + g.protocolType : '')),
        g.type === 'consumer' ? stat('Assignor', g.assignor || '\u2013') : stat('Assignor', g.protocol || '\u2013'),
        g.type === 'consumer' ? stat('Group epoch', num(g.groupEpoch)) : stat('Generation', num(g.generationId)),
        stat('Members', num(g.members)),
        stat('Total lag', num(g.lag), g.lag > 0 ? 'stat-warn' : 'stat-ok'),
      ]);
      cards.lastChild.id = 'total-lag';
      clear(membersBody);
      if (g.memberList.length === 0) membersBody.appendChild(emptyRow(5, 'No members.'));
      g.memberList.forEach(function (m) {
        membersBody.appendChild(
          h(
            'tr',
            null,
            h('td', null, h('code', { class: 'member-id' }, m.memberId), m.memberId === g.leader ? badge('leader', 'accent') : null, m.instanceId ? h('div', { class: 'muted small' }, 'instance ' + m.instanceId) : null),
            h('td', null, m.clientId),
            h('td', null, m.clientHost),
            h('td', null, m.subscribedTopics ? m.subscribedTopics.join(', ') : h('span', { class: 'muted' }, '\u2013'), m.subscribedTopicRegex ? h('div', { class: 'muted small' }, 'regex ' + m.subscribedTopicRegex) : null),
            h('td', null, assignmentText(m.assignment), m.memberEpoch !== undefined ? h('div', { class: 'muted small' }, 'epoch ' + m.memberEpoch) : null)
          )
        );
      });
      clear(lagBody);
      if (g.partitions.length === 0) lagBody.appendChild(emptyRow(6, 'No committed offsets or assignments.'));
      g.partitions.forEach(function (p) {
        lagBody.appendChild(
          h(
            'tr',
            { 'data-partition': p.topic + '/' + p.partition },
            h('td', null, h('a', { href: '#/topics/' + enc(p.topic) }, p.topic)),
            h('td', { class: 'num' }, String(p.partition)),
            h('td', { class: 'num committed' }, p.committedOffset === null ? h('span', { class: 'muted' }, 'none') : num(p.committedOffset)),
            h('td', { class: 'num' }, num(p.highWatermark)),
            lagCell(p.lag),
            h('td', null, p.clientId ? p.clientId : h('span', { class: 'muted' }, 'unassigned'))
          )
        );
      });
    }

    function load() {
      if (inflight) {
        again = true;
        return;
      }
      inflight = true;
      api('/api/groups/' + enc(groupId))
        .then(
          function (g) {
            clear(notice);
            render(g);
          },
          function (err) {
            clear(notice);
            notice.appendChild(errorBox(err));
          }
        )
        .then(function () {
          inflight = false;
          if (again) {
            again = false;
            load();
          }
        });
    }
    load();

    var el = h(
      'section',
      { class: 'view' },
      h('div', { class: 'page-head' }, h('a', { class: 'back', href: '#/groups' }, '\u2190 Consumer groups'), h('h1', { class: 'title' }, groupId)),
      notice,
      cards,
      h('div', { class: 'card' }, h('h2', null, 'Lag by partition'), table('lag-table', ['Topic', { text: 'Partition', cls: 'num' }, { text: 'Committed', cls: 'num' }, { text: 'High watermark', cls: 'num' }, { text: 'Lag', cls: 'num' }, 'Consumer'], lagBody)),
      h('div', { class: 'card' }, h('h2', null, 'Members'), table('members-table', ['Member', 'Client id', 'Host', 'Subscription', 'Assignment'], membersBody))
    );
    return {
      el: el,
      onSnapshot: function (snap) {
        var g = null;
        for (var i = 0; i < snap.groups.length; i++) if (snap.groups[i].groupId === groupId) g = snap.groups[i];
        var sig = JSON.stringify(g);
        if (lastSig === null) {
          lastSig = sig;
          return;
        }
        if (sig !== lastSig) {
          lastSig = sig;
          load();
        }
      },
    };
  }

  window.addEventListener('hashchange', route);
  route();
  connect();
})();
`;
