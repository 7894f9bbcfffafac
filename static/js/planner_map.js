/* Putuo Park Planner map (no Streamlit): window.PlannerMap draws compact layers with Leaflet.
 *
 * Used by the Streamlit component (planner_map_component.js) and inlined in the offline HTML export.
 * Every text from the data reaches the page through textContent only, never innerHTML.
 *
 * spec (from Python, layers/webmap.py map_spec):
 *   {fit, focus: {token, bounds}, basemap: {tiles: [...], datum}, layers: [{id, url | doc, name, show,
 *    interactive, labels, restyle: {fid: cat} | null}], tiled: [...], legend: {title, entries, open},
 *    selected: {layer, id} | null, draw: bool, clear_drawings: token, report_view: bool, texts: {...}}
 * events (onEvent): {type: 'click', layer, id, lat, lng, zoom, seq} | {type: 'draw', geometry, seq}
 *                   | {type: 'view', bounds: [[s, w], [n, e]], zoom}
 */
(function () {
  'use strict';

  function decode(s, scale) {
    var out = [], i = 0, la = 0, ln = 0;
    while (i < s.length) {
      var r = 0, sh = 0, b;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      la += (r & 1) ? ~(r >> 1) : (r >> 1);
      r = 0; sh = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      ln += (r & 1) ? ~(r >> 1) : (r >> 1);
      out.push([la / scale, ln / scale]);
    }
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var CSS = [
    '.pp-info{border-collapse:collapse;font:12px/1.45 "Noto Sans CJK SC","Microsoft YaHei",sans-serif}',
    '.pp-info th{text-align:left;padding:1px 8px 1px 0;color:#4a5568;font-weight:600;vertical-align:top;white-space:nowrap}',
    '.pp-info td{padding:1px 0;max-width:240px;white-space:normal;overflow-wrap:anywhere}',
    '.leaflet-tooltip .pp-info td{white-space:nowrap}',
    '.pp-label{background:none;border:none}',
    '.pp-label span{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;font:600 12px/1.2 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a202c;',
    'text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}',
    '.pp-legend{background:rgba(255,255,255,.94);border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);',
    'font:11px/1.45 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:220px}',
    '.pp-legend button{all:unset;cursor:pointer;display:block;padding:4px 8px;font-weight:700;font-size:12px}',
    '.pp-legend .pp-body{padding:0 8px 6px;overflow:auto}',
    '.pp-legend .pp-body div{white-space:nowrap;break-inside:avoid}',
    '.pp-legend.pp-two{max-width:440px}',
    '.pp-legend.pp-two .pp-body{column-count:2;column-gap:12px}',
    '.pp-legend .pp-off{display:none}',
    '.pp-legend .pp-sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-2px;border-radius:2px}',
    '.pp-legend.pp-closed .pp-body{display:none}',
    '.pp-basemap-failed{background:rgba(255,250,235,.95);border:1px solid #d69e2e;border-radius:4px;padding:3px 8px;',
    'font:12px/1.45 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#744210;max-width:320px}'
  ].join('');

  function ensureCss() {
    if (document.getElementById('pp-map-css')) return;
    var s = el('style');
    s.id = 'pp-map-css';
    s.textContent = CSS;
    document.head.appendChild(s);
  }

  function PlannerMap(host, opts) {
    ensureCss();
    this.host = host;
    this.onEvent = (opts && opts.onEvent) || function () {};
    this.fetchJSON = (opts && opts.fetchJSON) || function (url) {
      return fetch(url, {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
    };
    this.seq = 0;
    this.pending = 0;
    this.layers = {};      // id -> {key, group, items: {fid: {lyr, cat, style}}, doc, labels}
    this.basemapKey = null;
    this.baseLayers = [];
    this.control = null;
    this.controlKey = null;
    this.legend = null;
    this.legendKey = null;
    this.highlight = null;
    this.focusToken = null;
    this.fitted = false;
    this.drawControl = null;
    this.drawn = null;
    this.clearToken = null;
    this.spec = null;
    this.map = L.map(host, {keyboard: false, zoomSnap: 0.25, preferCanvas: false, attributionControl: true});
    this.map.attributionControl.setPrefix(false);
    L.control.scale({imperial: false, position: 'bottomright'}).addTo(this.map);
    this.map.createPane('pp-labels').style.zIndex = 630;
    this.map.createPane('pp-highlight').style.zIndex = 620;
    this.map.getPane('pp-highlight').style.pointerEvents = 'none';
    this.map.getPane('pp-labels').style.pointerEvents = 'none';
    var self = this;
    this.map.on('click', function (e) { self.emit({type: 'click', layer: null, id: null, lat: e.latlng.lat, lng: e.latlng.lng}); });
    this.map.on('zoomend moveend', function () { self.placeLabels(); });
    this.map.on('moveend', function () { self.reportView(); });
    this.hidden = {};  // layer id -> true while the user has switched it off in the layers control
    this.map.on('overlayadd overlayremove', function (e) {
      // only a click in the layers control is the user's choice (Leaflet fires these events for any change)
      if (self.control && self.control._handlingClick) {
        Object.keys(self.layers).forEach(function (id) {
          if (self.layers[id].group === e.layer) self.hidden[id] = e.type === 'overlayremove';
        });
      }
      self.syncLegend();
    });
    this.map.on('resize', function () { self.fitLegend(); });
    this.setState();
  }

  PlannerMap.prototype.emit = function (ev) {
    ev.seq = ++this.seq;
    ev.zoom = this.map.getZoom();
    this.onEvent(ev);
  };

  PlannerMap.prototype.setState = function () {
    this.host.dataset.pending = String(this.pending);
    this.host.dataset.zoom = String(Math.round(this.map.getZoom() * 100) / 100);
  };

  PlannerMap.prototype.reportView = function () {
    this.setState();
    if (!this.spec || !this.spec.report_view) return;
    var b = this.map.getBounds();
    this.onEvent({type: 'view', zoom: this.map.getZoom(),
                  bounds: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]]});
  };

  PlannerMap.prototype.update = function (spec) {
    this.spec = spec;
    this.setBasemap(spec.basemap || {tiles: []});
    this.setLayers(spec.layers || []);
    if (window.PlannerTiles && spec.tiled) window.PlannerTiles.update(this, spec.tiled);
    this.setImage(spec.image || null);
    this.setLegend(spec.legend);
    this.setCredits(spec.credits || []);
    this.setTexts(spec.texts);
    this.setDraw(!!spec.draw, spec.clear_drawings);
    if (!this.fitted && spec.fit) {
      this.map.fitBounds(spec.fit, this.clearOfLegend(8));
      this.fitted = true;
    }
    if (spec.focus && spec.focus.token !== this.focusToken) {
      this.focusToken = spec.focus.token;
      if (spec.focus.bounds) {
        var around = this.clearOfLegend(30);
        around.maxZoom = spec.focus.max_zoom || 16;
        this.map.fitBounds(spec.focus.bounds, around);
        // a feature drawn from tiles is shown as its own outline only from a given zoom: go at least there
        if (spec.focus.min_zoom && this.map.getZoom() < spec.focus.min_zoom) {
          this.map.setView(L.latLngBounds(spec.focus.bounds).getCenter(), spec.focus.min_zoom);
        }
      }
    }
    this.setSelected(spec.selected);
    this.setState();
  };

  // The data's credits (OpenStreetMap, ODbL; the district fence, CC BY) in the attribution corner, as text.
  PlannerMap.prototype.setCredits = function (credits) {
    var ctl = this.map.attributionControl, html = credits.map(function (c) { return el('span', null, c).outerHTML; });
    (this.credits || []).forEach(function (h) { if (html.indexOf(h) < 0) ctl.removeAttribution(h); });
    html.forEach(function (h) { ctl.addAttribution(h); });  // counted by Leaflet: add again, remove once
    (this.credits || []).forEach(function (h) { if (html.indexOf(h) >= 0) ctl.removeAttribution(h); });
    this.credits = html;
  };

  PlannerMap.prototype.setBasemap = function (bm) {
    var key = JSON.stringify(bm.tiles || []);
    if (key === this.basemapKey) return;
    this.basemapKey = key;
    var map = this.map, self = this;
    this.baseLayers.forEach(function (l) { map.removeLayer(l); });
    this.showBasemapFailed(false);
    this.baseLayers = (bm.tiles || []).map(function (t) {
      // Leaflet inserts attribution as HTML: a tile service's words (an admin typed them) go in as text
      var o = {attribution: t.attribution ? el('span', null, t.attribution).outerHTML : '', maxZoom: t.max_zoom || 19, maxNativeZoom: t.max_native_zoom || t.max_zoom || 18,
               minZoom: t.min_zoom || 0};
      if (t.subdomains) o.subdomains = t.subdomains;
      if (t.tms) o.tms = true;
      // tiles from the internet cannot load on an intranet: said once on the map, the data still draws
      return L.tileLayer(t.url, o).on('tileerror', function () { self.showBasemapFailed(true); }).addTo(map);
    });
  };

  // One line on the map while the basemap's tiles fail to load (spec.texts.basemap_failed, as text).
  PlannerMap.prototype.showBasemapFailed = function (failed) {
    if (!failed) {
      if (this.basemapNote) { this.basemapNote.remove(); this.basemapNote = null; delete this.host.dataset.basemapFailed; }
      return;
    }
    if (this.basemapNote) return;
    var text = (this.spec && this.spec.texts && this.spec.texts.basemap_failed) || '';
    var Note = L.Control.extend({onAdd: function () { return el('div', 'pp-basemap-failed', text); }});
    this.basemapNote = new Note({position: 'bottomleft'}).addTo(this.map);
    this.host.dataset.basemapFailed = '1';
  };

  // A raster overlay (e.g. the suitability surface): {url (a data: URL), bounds, opacity}.
  PlannerMap.prototype.setImage = function (image) {
    var key = image ? image.url.length + ':' + image.url.slice(-64) + JSON.stringify(image.bounds) : null;
    if (key === this.imageKey) return;
    this.imageKey = key;
    if (this.image) { this.image.remove(); this.image = null; }
    if (!image) return;
    if (!this.map.getPane('pp-image')) this.map.createPane('pp-image').style.zIndex = 405;
    this.image = L.imageOverlay(image.url, image.bounds, {opacity: image.opacity || 0.7, interactive: false,
                                                          pane: 'pp-image'}).addTo(this.map);
  };

  PlannerMap.prototype.setLayers = function (specs) {
    var self = this, wanted = {};
    specs.forEach(function (ls, i) {
      wanted[ls.id] = true;
      if (ls.tiled) { self.setTiledLayer(ls, i); return; }
      var cur = self.layers[ls.id], key = ls.url || ('doc:' + ls.id + ':' + (ls.doc_key || ''));
      if (!cur || cur.key !== key) {
        if (cur) self.removeLayer(ls.id);
        cur = self.layers[ls.id] = {key: key, spec: ls, group: L.featureGroup(), items: {}, labels: [], ready: false,
                                    pane: self.paneFor(i)};
        if (ls.doc) { self.build(cur, ls.doc); }
        else {
          self.pending++; self.setState();
          self.fetchJSON(ls.url).then(function (doc) {
            if (self.layers[ls.id] === cur) { self.build(cur, doc); self.refresh(); }
          }).catch(function (err) {
            self.host.dataset.error = String(err);
          }).then(function () { self.pending--; self.setState(); });
        }
      } else {
        cur.spec = ls;
        cur.pane = self.paneFor(i);
      }
    });
    Object.keys(this.layers).forEach(function (id) { if (!wanted[id]) self.removeLayer(id); });
    this.refresh();
  };

  // A large layer drawn from vector tiles (static/js/vector_tiles.js): geometry by tile, colours by a values
  // version (restyled in place when it changes), clicks answered by the server.
  PlannerMap.prototype.setTiledLayer = function (ls, i) {
    var self = this, cur = this.layers[ls.id], tl = ls.tiled, stylesKey = JSON.stringify(tl.styles);
    if (!window.PlannerVectorTiles) return;
    if (cur && cur.key === tl.tile_url) {
      cur.spec = ls;
      if (tl.values_version !== cur.valuesVersion) { cur.valuesVersion = tl.values_version; cur.vt.setValuesVersion(tl.values_version); }
      if (stylesKey !== cur.stylesKey) { cur.stylesKey = stylesKey; cur.vt.setStyles(tl.styles); }
      return;
    }
    if (cur) this.removeLayer(ls.id);
    var vt = window.PlannerVectorTiles.add(this.map, {tileUrl: tl.tile_url, valuesUrl: tl.values_url,
      valuesVersion: tl.values_version, styles: tl.styles, pane: this.paneFor(i)});
    vt.layer.on('loading', function () { self.pending++; self.setState(); });
    vt.layer.on('load', function () { self.pending = Math.max(0, self.pending - 1); self.setState(); });
    this.layers[ls.id] = {key: tl.tile_url, spec: ls, group: vt.layer, vt: vt, items: {}, labels: [], ready: true,
                          tiled: true, valuesVersion: tl.values_version, stylesKey: stylesKey};
  };

  PlannerMap.prototype.paneFor = function (i) {
    var name = 'pp-layer-' + i;
    if (!this.map.getPane(name)) this.map.createPane(name).style.zIndex = String(410 + i);
    return name;
  };

  PlannerMap.prototype.removeLayer = function (id) {
    var cur = this.layers[id];
    if (!cur) return;
    this.map.removeLayer(cur.group);
    cur.labels.forEach(function (lb) { if (lb.marker) lb.marker.remove(); });
    delete this.layers[id];
  };

  // A tooltip/popup table: the document's fields ``idx``, then the page's extra fields for this feature
  // (e.g. a score and a rank that change with the weights, sent without the geometry).
  PlannerMap.prototype.table = function (cur, idx, props, fid) {
    var tb = el('table', 'pp-info'), doc = cur.doc, extra = cur.spec.extra;
    function row(label, v) {
      if (v === null || v === undefined || v === '') return;
      var tr = tb.insertRow();
      tr.appendChild(el('th', null, label));
      tr.appendChild(el('td', null, v));
    }
    idx.forEach(function (k) { row(doc.s[doc.labels[k]], props[k]); });
    if (extra && extra.values && extra.values[fid]) {
      extra.labels.forEach(function (label, k) { row(label, extra.values[fid][k]); });
    }
    return tb;
  };

  // doc: {scale, s: strings, id, name, kind, style, cats: [[value, style]], fields, labels, tip, pop,
  //       f: [[fid, cat, geom, [string index per field], label point | null]]}
  PlannerMap.prototype.build = function (cur, doc) {
    var self = this, scale = doc.scale, cats = {};
    cur.doc = doc;
    doc.cats.forEach(function (c) { cats[c[0]] = JSON.parse(doc.s[c[1]]); });
    cur.cats = cats;
    cur.style = JSON.parse(doc.s[doc.style]);
    doc.f.forEach(function (f) {
      var g = f[2], lyr, opts = Object.assign({}, cur.style, cats[f[1]] || {}, {pane: cur.pane});
      if (doc.kind === 'point') lyr = L.circleMarker(decode(g, scale)[0], opts);
      else if (doc.kind === 'line') lyr = L.polyline(g.map(function (p) { return decode(p, scale); }), opts);
      else lyr = L.polygon(g.map(function (p) { return p.map(function (r) { return decode(r, scale); }); }), opts);
      var props = f[3].map(function (k) { return k < 0 ? null : doc.s[k]; });
      var item = {lyr: lyr, base: f[1], cat: f[1], props: props};
      cur.items[f[0]] = item;
      if (cur.spec.interactive !== false) {
        if (doc.tip.length || cur.spec.extra) lyr.bindTooltip(function () { return self.table(cur, doc.tip, props, f[0]); }, {sticky: true, opacity: 0.95});
        lyr.on('click', function (e) {
          L.DomEvent.stopPropagation(e);
          lyr.closeTooltip();
          if (doc.pop.length && cur.spec.popups !== false) {
            L.popup({maxWidth: 300, minWidth: 160, autoPanPadding: [20, 20]})
              .setLatLng(e.latlng).setContent(self.table(cur, doc.pop, props, f[0])).openOn(self.map);
          }
          self.emit({type: 'click', layer: cur.spec.id, id: f[0], lat: e.latlng.lat, lng: e.latlng.lng});
        });
        if (doc.kind !== 'point') {
          lyr.on('mouseover', function () { lyr.setStyle({weight: 3.5, color: '#d69e2e'}); });
          lyr.on('mouseout', function () { lyr.setStyle(self.styleOf(cur, item)); });
        }
      } else {
        opts.interactive = false;
        lyr.options.interactive = false;
      }
      cur.group.addLayer(lyr);
      if (f[4]) {  // [anchor (encoded point inside the feature), label text index or -1, label priority]
        item.anchor = decode(f[4][0], scale)[0];
        if (f[4][1] >= 0) cur.labels.push({fid: f[0], latlng: item.anchor, text: doc.s[f[4][1]], rank: f[4][2], marker: null});
      }
    });
    cur.labels.sort(function (a, b) { return b.rank - a.rank; });
    cur.ready = true;
    this.host.dataset.loaded = String((+this.host.dataset.loaded || 0) + 1);
  };

  PlannerMap.prototype.styleOf = function (cur, item) {
    return Object.assign({}, cur.style, cur.cats[item.cat] || {});
  };

  PlannerMap.prototype.refresh = function () {
    var self = this;
    Object.keys(this.layers).forEach(function (id) {
      var cur = self.layers[id];
      if (!cur.ready) return;
      var restyle = cur.spec.restyle || null;
      Object.keys(cur.items).forEach(function (fid) {
        var item = cur.items[fid], cat = restyle && restyle[fid] !== undefined ? restyle[fid] : item.base;
        if (cat !== item.cat) { item.cat = cat; item.lyr.setStyle(self.styleOf(cur, item)); }
      });
      var show = cur.spec.show !== false && !self.hidden[id];  // a layer the user switched off stays off
      if (show && !self.map.hasLayer(cur.group)) cur.group.addTo(self.map);
      if (!show && self.map.hasLayer(cur.group)) self.map.removeLayer(cur.group);
    });
    this.setControl();
    this.placeLabels();
    this.setSelected(this.spec && this.spec.selected);
    this.syncLegend();
  };

  PlannerMap.prototype.setControl = function () {
    var self = this, ids = Object.keys(this.layers).filter(function (id) { return self.layers[id].ready; });
    var key = ids.map(function (id) { return id + ':' + self.layers[id].spec.name; }).join('|');
    if (key === this.controlKey) return;
    this.controlKey = key;
    if (this.control) this.control.remove();
    var overlays = {};
    (this.spec.layers || []).forEach(function (ls) {
      var cur = self.layers[ls.id];
      if (!cur || !cur.ready || ls.in_control === false) return;
      overlays[el('span', null, ls.name).outerHTML] = cur.group;  // names escaped by textContent
    });
    this.control = L.control.layers(null, overlays, {collapsed: true, position: 'topright'}).addTo(this.map);
    this.setTexts(this.spec && this.spec.texts);
  };

  PlannerMap.prototype.setLegend = function (legend) {
    var key = JSON.stringify(legend || null);
    if (key === this.legendKey) return;
    this.legendKey = key;
    var wasOpen = this.legend ? !this.legend.getContainer().classList.contains('pp-closed') : null;
    if (this.legend) { this.legend.remove(); this.legend = null; }
    if (!legend || !legend.entries || !legend.entries.length) return;
    var ctl = L.control({position: 'bottomleft'});
    ctl.onAdd = function () {
      var div = el('div', 'pp-legend'), btn = el('button', null, legend.title + ' ▾'), body = el('div', 'pp-body');
      btn.type = 'button';
      btn.setAttribute('aria-expanded', 'true');
      btn.onclick = function () {
        var closed = div.classList.toggle('pp-closed');
        btn.textContent = legend.title + (closed ? ' ▸' : ' ▾');
        btn.setAttribute('aria-expanded', closed ? 'false' : 'true');
      };
      legend.entries.forEach(function (e) {
        var st = e[1], row = el('div'), sw = el('span', 'pp-sw');
        var fill = st.fill === false ? 'transparent' : (st.fillColor || st.color || '#333');
        sw.style.background = fill;
        sw.style.border = (st.kind === 'line' ? '0' : '2px') + ' solid ' + (st.color || '#333');
        if (st.kind === 'line') { sw.style.height = '4px'; sw.style.verticalAlign = '2px'; sw.style.background = st.color; }
        if (st.radius) sw.style.borderRadius = '50%';
        if (st.layer) row.dataset.layer = st.layer;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(e[0]));
        body.appendChild(row);
      });
      div.appendChild(btn);
      div.appendChild(body);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var open = wasOpen === null ? legend.open !== false : wasOpen;
      if (!open) { div.classList.add('pp-closed'); btn.textContent = legend.title + ' ▸'; }
      return div;
    };
    this.legend = ctl.addTo(this.map);
    this.syncLegend();
  };

  // A legend entry shows only while its layer is on the map (switched off in the layers control: hidden);
  // entries of a layer the map does not know (yet) stay.
  PlannerMap.prototype.syncLegend = function () {
    if (!this.legend) return;
    var self = this;
    this.legend.getContainer().querySelectorAll('.pp-body > div').forEach(function (row) {
      var cur = row.dataset.layer ? self.layers[row.dataset.layer] : null;
      row.classList.toggle('pp-off', !!(cur && cur.ready && !self.map.hasLayer(cur.group)));
    });
    this.fitLegend();
  };

  // The legend fits the map: as tall as the room under the top-left controls allows, in two columns when one
  // would not fit, so no entry is cut off.
  PlannerMap.prototype.fitLegend = function () {
    if (!this.legend) return;
    var div = this.legend.getContainer(), body = div.querySelector('.pp-body'), btn = div.querySelector('button');
    var mapBox = this.host.getBoundingClientRect(), top = 0;
    if (mapBox.height < 120) return;  // not laid out yet (a closed tab): fitted on the map's next resize
    var corner = this.map.getContainer().querySelector('.leaflet-top.leaflet-left');
    if (corner) top = corner.getBoundingClientRect().bottom - mapBox.top;
    var room = Math.max(60, Math.floor(mapBox.height - Math.max(top, 0) - (btn ? btn.offsetHeight : 22) - 30));
    body.style.maxHeight = room + 'px';
    div.classList.remove('pp-two');
    if (body.scrollHeight > body.clientHeight + 1) div.classList.add('pp-two');
  };

  // Padding (px) for fitting the data beside the open legend (bottom left) rather than under it: the data go right
  // of it or above it, whichever leaves the larger part of the map; none when the legend is folded or either way
  // would leave less than 40 % of the map's width or height.
  PlannerMap.prototype.clearOfLegend = function (base) {
    var topLeft = [base, base], bottomRight = [base, base], size = this.map.getSize();
    var div = this.legend ? this.legend.getContainer() : null;
    if (div && !div.classList.contains('pp-closed') && size.x > 0 && size.y > 0) {
      var w = div.offsetWidth + 10, h = div.offsetHeight + 10;
      var right = w < size.x * 0.6 ? (size.x - w) * size.y : 0, above = h < size.y * 0.6 ? size.x * (size.y - h) : 0;
      if (right > 0 && right >= above) topLeft[0] = base + w;
      else if (above > 0) bottomRight[1] = base + h;
    }
    return {paddingTopLeft: topLeft, paddingBottomRight: bottomRight};
  };

  // Labels: most important first (the order of the document), each shown only where it overlaps no label
  // already placed at this zoom (screen boxes), so labels never pile up.
  PlannerMap.prototype.placeLabels = function () {
    var self = this, placed = [], size = this.map.getSize();
    Object.keys(this.layers).forEach(function (id) {
      var cur = self.layers[id], visible = cur.ready && self.map.hasLayer(cur.group) && cur.spec.labels &&
        self.map.getZoom() >= (cur.spec.label_min_zoom || 0);
      cur.labels.forEach(function (lb) {
        var show = false;
        if (visible) {
          var pt = self.map.latLngToContainerPoint(lb.latlng), w = lb.text.length * 12 + 6, h = 16;
          var box = [pt.x - w / 2, pt.y - h / 2, pt.x + w / 2, pt.y + h / 2];
          var inside = box[2] > 0 && box[0] < size.x && box[3] > 0 && box[1] < size.y;
          show = inside && !placed.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
          if (show) placed.push(box);
        }
        if (show && !lb.marker) {
          var icon = L.divIcon({className: 'pp-label', html: '', iconSize: null});
          lb.marker = L.marker(lb.latlng, {icon: icon, interactive: false, keyboard: false, pane: 'pp-labels'}).addTo(self.map);
          var span = el('span', null, lb.text);
          lb.marker.getElement().appendChild(span);
        } else if (!show && lb.marker) { lb.marker.remove(); lb.marker = null; }
      });
    });
    this.host.dataset.labels = String(placed.length);
  };

  PlannerMap.prototype.setSelected = function (sel) {
    var key = JSON.stringify(sel || null), cur = sel && this.layers[sel.layer], item = cur && cur.ready && cur.items[sel.id];
    if (this.highlight && (this.highlightKey !== key || !item)) { this.highlight.remove(); this.highlight = null; }
    this.highlightKey = key;
    if (!item || this.highlight) return;
    var opts = {pane: 'pp-highlight', interactive: false, color: '#f6e05e', weight: 5, fill: false, opacity: 1};
    var lyr = item.lyr;
    if (lyr.getRadius) this.highlight = L.circleMarker(lyr.getLatLng(), Object.assign(opts, {radius: lyr.getRadius() + 4})).addTo(this.map);
    else if (lyr instanceof L.Polygon) this.highlight = L.polygon(lyr.getLatLngs(), opts).addTo(this.map);
    else this.highlight = L.polyline(lyr.getLatLngs(), opts).addTo(this.map);
  };

  // The words of Leaflet's own controls in the page's language (spec.texts, from the translation table).
  PlannerMap.prototype.setTexts = function (texts) {
    if (!texts) return;
    var zc = this.map.zoomControl;
    if (zc && zc._zoomInButton) {
      zc._zoomInButton.title = texts.zoom_in; zc._zoomInButton.setAttribute('aria-label', texts.zoom_in);
      zc._zoomOutButton.title = texts.zoom_out; zc._zoomOutButton.setAttribute('aria-label', texts.zoom_out);
    }
    if (this.control && this.control._layersLink) this.control._layersLink.title = texts.layers;
    if (L.drawLocal && texts.draw) {
      var d = L.drawLocal.draw, t = texts.draw;
      d.toolbar.buttons.polygon = t.polygon; d.toolbar.buttons.rectangle = t.rectangle;
      d.toolbar.actions.title = t.cancel_title; d.toolbar.actions.text = t.cancel;
      d.toolbar.finish.title = t.finish_title; d.toolbar.finish.text = t.finish;
      d.toolbar.undo.title = t.undo_title; d.toolbar.undo.text = t.undo;
      d.handlers.polygon.tooltip.start = t.polygon_start; d.handlers.polygon.tooltip.cont = t.polygon_cont;
      d.handlers.polygon.tooltip.end = t.polygon_end; d.handlers.rectangle.tooltip.start = t.rectangle_start;
      d.handlers.simpleshape.tooltip.end = t.shape_end;
      if (d.handlers.polyline && d.handlers.polyline.error) d.handlers.polyline.error = t.crossing;
    }
  };

  PlannerMap.prototype.setDraw = function (on, clearToken) {
    var self = this;
    var textsKey = JSON.stringify((this.spec && this.spec.texts) || null);
    if (this.drawControl && this.drawTextsKey !== textsKey) {  // the language changed: rebuild the toolbar
      this.map.removeControl(this.drawControl);
      this.drawControl = null;
    }
    this.drawTextsKey = textsKey;
    if (on && !this.drawControl && L.Control.Draw) {
      if (!this.drawn) this.drawn = L.featureGroup().addTo(this.map);
      this.drawControl = new L.Control.Draw({
        position: 'topleft',
        draw: {polyline: false, circle: false, circlemarker: false, marker: false, rectangle: {}, polygon: {allowIntersection: false}},
        edit: {featureGroup: this.drawn, edit: false, remove: false}
      });
      this.map.addControl(this.drawControl);
      if (!this.drawListening) {
        this.drawListening = true;
        this.map.on(L.Draw.Event.CREATED, function (e) {
          self.drawn.addLayer(e.layer);
          self.emit({type: 'draw', geometry: e.layer.toGeoJSON().geometry});
        });
      }
    } else if (!on && this.drawControl) {
      this.map.removeControl(this.drawControl);
      this.drawControl = null;
    }
    if (this.drawn && clearToken !== this.clearToken) this.drawn.clearLayers();
    this.clearToken = clearToken;
  };

  // Where a user would click a feature: its anchor if the feature itself is on top there, else the first
  // point of a grid over its box where it is (page coordinates, for tests and tools), or null.
  PlannerMap.prototype.clickPoint = function (layer, fid) {
    var cur = this.layers[layer], item = cur && cur.items[fid];
    if (!item) return null;
    var rect = this.host.getBoundingClientRect(), self = this, target = item.lyr._path || null;
    function hits(ll) {
      var p = self.map.latLngToContainerPoint(ll), x = rect.left + p.x, y = rect.top + p.y;
      var elt = document.elementFromPoint(x, y);
      return elt && (elt === target) ? {x: x, y: y} : null;
    }
    if (item.anchor) { var a = hits(item.anchor); if (a) return a; }
    if (!item.lyr.getBounds) return null;
    var b = item.lyr.getBounds();
    for (var fy = 0.5; fy < 1; fy += 0.07) {
      for (var k = -1; k <= 1; k += 2) {
        var ty = 0.5 + (fy - 0.5) * k;
        for (var fx = 0.1; fx < 0.95; fx += 0.07) {
          var ll = L.latLng(b.getSouth() + (b.getNorth() - b.getSouth()) * ty, b.getWest() + (b.getEast() - b.getWest()) * fx);
          var hit = hits(ll);
          if (hit) return hit;
        }
      }
    }
    return null;
  };

  // Page coordinates of a lon/lat (for tests: a click at a given place).
  PlannerMap.prototype.pointOf = function (lat, lng) {
    var rect = this.host.getBoundingClientRect(), p = this.map.latLngToContainerPoint([lat, lng]);
    return {x: rect.left + p.x, y: rect.top + p.y};
  };

  // For tests and tools: the container pixel of a feature's label point (or its centre).
  PlannerMap.prototype.featurePoint = function (layer, fid) {
    var cur = this.layers[layer], item = cur && cur.items[fid];
    if (!item) return null;
    var ll = item.anchor || (item.lyr.getLatLng ? item.lyr.getLatLng() : item.lyr.getCenter());
    var p = this.map.latLngToContainerPoint(ll);
    return {x: p.x, y: p.y};
  };

  window.PlannerMap = PlannerMap;
})();
