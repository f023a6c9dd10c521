// Draws the dbaudit inventory dashboard from the JSON in #inventory-data:
// SVG charts, then the filterable touchpoint table. No network access.
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var root = document.documentElement;

  window.addEventListener('error', function (e) {
    var box = document.getElementById('error');
    box.hidden = false;
    box.textContent = 'The dashboard script failed: ' + e.message;
    root.setAttribute('data-error', e.message);
  });

  var data = JSON.parse(document.getElementById('inventory-data').textContent);
  var tps = data.touchpoints;
  var filters = { text: '', status: '', component: '', kind: '', pkg: '' };
  var sort = { key: 'file', desc: false };

  function svg(tag, attrs, parent) {
    var n = document.createElementNS(SVG, tag);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(n);
    return n;
  }

  function text(parent, x, y, s, attrs) {
    var a = { x: x, y: y };
    for (var k in attrs || {}) a[k] = attrs[k];
    var t = svg('text', a, parent);
    t.textContent = s;
    return t;
  }

  function tip(parent, s) { svg('title', {}, parent).textContent = s; }

  function pct(ok, total) { return total ? Math.round(1000 * ok / total) / 10 + '%' : '–'; }

  // tally counts compliant and non-compliant touchpoints per key.
  function tally(keyOf) {
    var by = {};
    tps.forEach(function (t) {
      var k = keyOf(t);
      var row = by[k] || (by[k] = { key: k, ok: 0, bad: 0 });
      if (t.findings.length) row.bad++; else row.ok++;
    });
    return Object.keys(by).map(function (k) { return by[k]; });
  }

  function worstFirst(a, b) {
    var ra = a.bad / (a.ok + a.bad), rb = b.bad / (b.ok + b.bad);
    return rb - ra || b.bad - a.bad || (b.ok + b.bad) - (a.ok + a.bad) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  }

  // shareBars draws one 100% bar per row, compliant then non-compliant,
  // with the counts beside it. Clicking a row filters the table.
  function shareBars(container, rows, labelOf, onPick) {
    var width = widthOf(container), rowH = 24;
    var labelW = Math.min(300, Math.round(width * 0.28)), barW = width - labelW - 200;
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + (rows.length * rowH + 4), role: 'img' }, container);
    rows.forEach(function (r, i) {
      var total = r.ok + r.bad, y = i * rowH + 2;
      var g = svg('g', { 'class': 'row', 'data-key': r.key }, chart);
      g.addEventListener('click', function () { onPick(r.key); });
      svg('rect', { 'class': 'track', x: 0, y: y, width: width, height: rowH - 2 }, g);
      var label = labelOf(r.key);
      var room = Math.floor(labelW / 7);
      text(g, labelW - 8, y + 15, label.length > room ? '…' + label.slice(-(room - 1)) : label, { 'text-anchor': 'end' });
      var okW = total ? barW * r.ok / total : 0;
      svg('rect', { 'class': 'ok', x: labelW, y: y + 3, width: okW, height: rowH - 8, rx: 2 }, g);
      svg('rect', { 'class': 'bad', x: labelW + okW, y: y + 3, width: barW - okW, height: rowH - 8, rx: 2 }, g);
      text(g, labelW + barW + 8, y + 15, pct(r.ok, total) + '  (' + r.bad + ' of ' + total + ' non-compliant)', { 'class': 'muted' });
      tip(g, r.key + ': ' + r.ok + ' compliant, ' + r.bad + ' non-compliant');
    });
    legend(container);
    return chart;
  }

  // countBars draws bars scaled to the largest count, split by compliance.
  function countBars(container, rows, onPick) {
    var width = widthOf(container), rowH = 24, labelW = 90, barW = width - labelW - 60;
    var max = Math.max.apply(null, rows.map(function (r) { return r.ok + r.bad; }).concat([1]));
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + (rows.length * rowH + 4), role: 'img' }, container);
    rows.forEach(function (r, i) {
      var total = r.ok + r.bad, y = i * rowH + 2;
      var g = svg('g', { 'class': 'row', 'data-key': r.key }, chart);
      g.addEventListener('click', function () { onPick(r.key); });
      svg('rect', { 'class': 'track', x: 0, y: y, width: width, height: rowH - 2 }, g);
      text(g, labelW - 8, y + 15, r.key, { 'text-anchor': 'end' });
      var okW = barW * r.ok / max, badW = barW * r.bad / max;
      svg('rect', { 'class': 'ok', x: labelW, y: y + 3, width: okW, height: rowH - 8, rx: 2 }, g);
      svg('rect', { 'class': 'bad', x: labelW + okW, y: y + 3, width: badW, height: rowH - 8, rx: 2 }, g);
      text(g, labelW + okW + badW + 8, y + 15, String(total), { 'class': 'muted' });
      tip(g, r.key + ': ' + r.ok + ' compliant, ' + r.bad + ' non-compliant');
    });
    legend(container);
    return chart;
  }

  // widthOf sizes a chart to its container, so that text keeps its size.
  function widthOf(container) { return Math.max(360, Math.floor(container.clientWidth || 600)); }

  function legend(container) {
    var p = document.createElement('div');
    p.className = 'legend';
    [['ok', 'compliant'], ['bad', 'non-compliant']].forEach(function (l) {
      var s = document.createElement('span');
      s.className = 'swatch';
      s.style.background = l[0] === 'ok' ? 'var(--ok)' : 'var(--bad)';
      p.appendChild(s);
      p.appendChild(document.createTextNode(l[1]));
    });
    container.appendChild(p);
  }

  // trend draws the compliance rate of each --history line.
  function trend(container, history) {
    var width = widthOf(container), height = 240, left = 48, right = 16, top = 12, bottom = 44;
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img' }, container);
    var plotW = width - left - right, plotH = height - top - bottom;
    [0, 25, 50, 75, 100].forEach(function (v) {
      var y = top + plotH * (1 - v / 100);
      svg('line', { 'class': 'grid', x1: left, x2: width - right, y1: y, y2: y }, chart);
      text(chart, left - 6, y + 4, v + '%', { 'text-anchor': 'end', 'class': 'muted' });
    });
    var n = history.length;
    var xOf = function (i) { return left + (n === 1 ? plotW / 2 : plotW * i / (n - 1)); };
    var points = history.map(function (h, i) {
      var total = h.compliant + h.non_compliant;
      return [xOf(i), top + plotH * (1 - (total ? h.compliant / total : 1)), h, total];
    });
    if (n > 1) {
      svg('polyline', { 'class': 'trend', points: points.map(function (p) { return p[0] + ',' + p[1]; }).join(' ') }, chart);
    }
    var every = Math.max(1, Math.ceil(n / 12));
    points.forEach(function (p, i) {
      var h = p[2];
      var c = svg('circle', { 'class': 'point', cx: p[0], cy: p[1], r: 4 }, chart);
      var label = (h.commit ? h.commit.slice(0, 7) : '#' + (i + 1));
      tip(c, label + (h.date ? ' ' + h.date : '') + ': ' + pct(h.compliant, p[3]) + ' compliant (' +
        h.compliant + ' of ' + p[3] + ', ' + h.non_compliant + ' non-compliant)');
      if (i % every === 0 || i === n - 1) {
        // The end labels stay inside the plot.
        var anchor = n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle';
        var x = anchor === 'start' ? p[0] - 4 : anchor === 'end' ? p[0] + 4 : p[0];
        text(chart, x, height - bottom + 18, label, { 'text-anchor': anchor, 'class': 'muted' });
        if (h.date) text(chart, x, height - bottom + 34, h.date.slice(0, 10), { 'text-anchor': anchor, 'class': 'muted' });
      }
    });
    return chart;
  }

  // The table.
  var tbody = document.querySelector('#table tbody');
  var shown = document.getElementById('shown');

  function cell(tr, cls, content) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    tr.appendChild(td);
    return td;
  }

  function matches(t) {
    if (filters.status === 'bad' && !t.findings.length) return false;
    if (filters.status === 'ok' && t.findings.length) return false;
    if (filters.component && t.component !== filters.component) return false;
    if (filters.kind && t.kind !== filters.kind) return false;
    if (filters.pkg && t['package'] !== filters.pkg) return false;
    if (!filters.text) return true;
    var hay = [t.kind, t.file + ':' + t.line, t['function'], t.api, t.component, t.findings.join(' ')].join(' ').toLowerCase();
    return filters.text.toLowerCase().split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
  }

  function sortValue(t, key) {
    switch (key) {
      case 'status': return t.findings.length ? 0 : 1;
      case 'file': return t.file + ':' + String(t.line).padStart(7, '0');
      case 'findings': return t.findings.join(' ');
      default: return t[key];
    }
  }

  function renderTable() {
    var rows = tps.filter(matches);
    rows.sort(function (a, b) {
      var va = sortValue(a, sort.key), vb = sortValue(b, sort.key);
      var c = va < vb ? -1 : va > vb ? 1 : 0;
      if (!c) c = sortValue(a, 'file') < sortValue(b, 'file') ? -1 : 1;
      return sort.desc ? -c : c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (t) {
      var tr = document.createElement('tr');
      tr.className = t.findings.length ? 'bad' : 'ok';
      cell(tr, 'status', t.findings.length ? '✗' : '✓').title = t.findings.length ? 'non-compliant' : 'compliant';
      cell(tr, '', t.kind);
      var a = document.createElement('a');
      a.href = t.href;
      a.textContent = t.file + ':' + t.line;
      cell(tr, 'code', a);
      cell(tr, 'code', t['function']);
      cell(tr, 'code', t.short).title = t.api;
      cell(tr, '', t.component);
      cell(tr, '', t.findings.join(', '));
      frag.appendChild(tr);
    });
    tbody.replaceChildren(frag);
    shown.textContent = 'showing ' + rows.length + ' of ' + tps.length;
    document.querySelectorAll('#table th').forEach(function (th) {
      th.classList.toggle('sorted', th.dataset.key === sort.key);
      th.classList.toggle('desc', th.dataset.key === sort.key && sort.desc);
    });
  }

  function options(select, values) {
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = o.textContent = v;
      select.appendChild(o);
    });
  }

  function present(list, key) {
    var seen = {};
    tps.forEach(function (t) { seen[t[key]] = true; });
    var known = list.filter(function (v) { return seen[v]; });
    var extra = Object.keys(seen).filter(function (v) { return list.indexOf(v) < 0; }).sort();
    return known.concat(extra);
  }

  var inputs = {
    text: document.getElementById('filter-text'),
    status: document.getElementById('filter-status'),
    component: document.getElementById('filter-component'),
    kind: document.getElementById('filter-kind'),
    pkg: document.getElementById('filter-package')
  };
  options(inputs.component, present(data.components, 'component'));
  options(inputs.kind, present(data.kinds, 'kind'));
  options(inputs['pkg'], present([], 'package'));
  Object.keys(inputs).forEach(function (k) {
    inputs[k].addEventListener('input', function () { filters[k] = inputs[k].value; filtered(); });
  });
  document.getElementById('filters').addEventListener('reset', function () {
    Object.keys(filters).forEach(function (k) { filters[k] = ''; });
    setTimeout(filtered, 0);
  });

  // The filters live in the URL's fragment (#status=bad&component=handler&q=tx),
  // so a filtered view can be linked to.
  var hashNames = { text: 'q', status: 'status', component: 'component', kind: 'kind', pkg: 'package' };
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    Object.keys(hashNames).forEach(function (k) {
      var v = params.get(hashNames[k]);
      if (v !== null) filters[k] = inputs[k].value = v;
    });
  }
  function filtered() {
    var params = new URLSearchParams();
    Object.keys(hashNames).forEach(function (k) { if (filters[k]) params.set(hashNames[k], filters[k]); });
    try {
      history.replaceState(null, '', '#' + params.toString());
    } catch (e) {
      // Some browsers refuse replaceState on file: URLs; the filter still applies.
    }
    renderTable();
  }
  readHash();
  document.querySelectorAll('#table th').forEach(function (th) {
    th.addEventListener('click', function () {
      sort = { key: th.dataset.key, desc: sort.key === th.dataset.key ? !sort.desc : false };
      renderTable();
    });
  });

  function pick(kind) {
    return function (value) {
      filters[kind] = inputs[kind].value = value;
      filtered();
      document.getElementById('table').scrollIntoView({ behavior: 'smooth' });
    };
  }

  // Packages are labelled relative to the subtitle's common prefix.
  var prefix = (document.querySelector('.subtitle') || {}).textContent || '';
  function pkgLabel(p) {
    if (prefix && p.indexOf(prefix + '/') === 0) return p.slice(prefix.length + 1);
    return p;
  }

  var drawn = 0;
  if (tps.length) {
    shareBars(document.getElementById('chart-components'),
      tally(function (t) { return t.component; }).sort(worstFirst), function (k) { return k; }, pick('component'));
    drawn++;
    var kinds = present(data.kinds, 'kind');
    countBars(document.getElementById('chart-kinds'),
      tally(function (t) { return t.kind; }).sort(function (a, b) { return kinds.indexOf(a.key) - kinds.indexOf(b.key); }), pick('kind'));
    drawn++;
    shareBars(document.getElementById('chart-packages'),
      tally(function (t) { return t['package']; }).sort(worstFirst), pkgLabel, pick('pkg'));
    drawn++;
  } else {
    ['chart-components', 'chart-kinds', 'chart-packages'].forEach(function (id) {
      document.getElementById(id).textContent = 'No database touchpoints.';
    });
  }
  if (data.history.length) {
    document.getElementById('history-figure').hidden = false;
    trend(document.getElementById('chart-history'), data.history);
    drawn++;
  }
  renderTable();
  root.setAttribute('data-charts-drawn', String(drawn));
})();
