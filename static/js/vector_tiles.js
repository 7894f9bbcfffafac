/* Vector tiles of a large layer on a Leaflet map (tiles from gis/vtiles.py), drawn on canvas tiles.
 *
 * Classic script (needs window.L). It defines window.PlannerVectorTiles.add(map, options); the MVT decoder
 * (@mapbox/vector-tile + pbf, installed by scripts/fetch_assets.sh into static/vendor/) is loaded with
 * import() on first use. Tiles carry geometry only; colours come from a values payload per tile (one byte
 * per feature, in tile order: polygons, dots, cells), so a new values version restyles the loaded tiles
 * without fetching any geometry again. Clicks are not handled here: the map's own click (lat/lng, zoom)
 * goes to the server, which finds the feature (VectorTiles.feature_at).
 *
 *   const vt = PlannerVectorTiles.add(map, {
 *     tileUrl: '/tiles/parcels/{z}/{x}/{y}.mvt',
 *     valuesUrl: '/tiles/parcels/values/{v}/{z}/{x}/{y}.bin',  // optional, {v} = values version
 *     valuesVersion: 'w1',                                      // optional: the first version to draw
 *     styles: {0: {fill: '#cbd5e0', fillOpacity: 0.6, stroke: '#4a5568', weight: 0.6},  // by class
 *              1: {fill: '#c53030'}, ...},                      // missing keys come from class 0
 *     cellPx: 4,                                                // gis.vtiles.CELL_PX
 *     pane: 'overlayPane', zIndex: 400, maxZoom: 22,
 *   });
 *   vt.setValuesVersion('w2').then(...)  // restyle every loaded tile (one values request per tile)
 *   vt.setStyles({...})                  // new colours, same classes: no request at all
 *   vt.stats                             // {tileRequests, tileBytes, valuesRequests, valuesBytes, mismatches}
 *   vt.layer                             // the L.GridLayer (remove with map.removeLayer(vt.layer))
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var VENDOR = script ? new URL('../vendor/', script.src).href : '/app/static/vendor/';
  var LAYERS = ['polygons', 'dots', 'cells'];
  var decoders = null;

  function loadDecoders(base) {
    if (!decoders) {
      decoders = Promise.all([import(base + 'pbf/index.js'), import(base + 'vector-tile/index.js')])
        .then(function (mods) { return {PbfReader: mods[0].PbfReader, VectorTile: mods[1].VectorTile}; });
    }
    return decoders;
  }

  function fill(template, v, c) {
    return template.replace('{v}', encodeURIComponent(v)).replace('{z}', c.z).replace('{x}', c.x).replace('{y}', c.y);
  }

  function styleFor(styles, cls) {
    var base = styles[0] || {};
    var own = styles[cls] || {};
    return {
      fill: own.fill || base.fill || '#a0aec0',
      fillOpacity: own.fillOpacity !== undefined ? own.fillOpacity : (base.fillOpacity !== undefined ? base.fillOpacity : 0.6),
      stroke: own.stroke || base.stroke || null,
      weight: own.weight !== undefined ? own.weight : (base.weight !== undefined ? base.weight : 0.6),
      radius: own.radius || base.radius || 1.5
    };
  }

  // Decoded tile -> [{kind, path | x, y, n}] in values order (polygons, dots, cells), in tile pixels.
  function parse(mod, buffer, size) {
    var out = [];
    if (!buffer.byteLength) return out;
    var tile = new mod.VectorTile(new mod.PbfReader(new Uint8Array(buffer)));
    LAYERS.forEach(function (name) {
      var layer = tile.layers[name];
      if (!layer) return;
      var s = size / layer.extent;
      for (var i = 0; i < layer.length; i++) {
        var f = layer.feature(i);
        var g = f.loadGeometry();
        if (name === 'polygons') {
          var path = new Path2D();
          for (var r = 0; r < g.length; r++) {
            var ring = g[r];
            path.moveTo(ring[0].x * s, ring[0].y * s);
            for (var k = 1; k < ring.length; k++) path.lineTo(ring[k].x * s, ring[k].y * s);
            path.closePath();
          }
          out.push({kind: 0, path: path, id: f.id});
        } else {
          out.push({kind: name === 'dots' ? 1 : 2, x: g[0][0].x * s, y: g[0][0].y * s, id: f.id,
                    n: f.properties.n || 1});
        }
      }
    });
    return out;
  }

  function draw(state, styles, cellPx) {
    var c = state.canvas, ctx = c.getContext('2d'), dpr = state.dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var feats = state.features || [], cls = state.classes, cache = {};
    function st(i) {
      var k = cls ? cls[i] : 0;
      return cache[k] || (cache[k] = styleFor(styles, k));
    }
    var order = [2, 0, 1];  // cells under polygons, dots on top
    for (var o = 0; o < 3; o++) {
      for (var i = 0; i < feats.length; i++) {
        var f = feats[i];
        if (f.kind !== order[o]) continue;
        var s = st(i);
        ctx.globalAlpha = s.fillOpacity;
        ctx.fillStyle = s.fill;
        if (f.kind === 0) {
          ctx.fill(f.path, 'evenodd');
          if (s.stroke && s.weight > 0) {
            ctx.globalAlpha = 1;
            ctx.strokeStyle = s.stroke;
            ctx.lineWidth = s.weight;
            ctx.stroke(f.path);
          }
        } else if (f.kind === 2) {
          ctx.fillRect(f.x - cellPx / 2, f.y - cellPx / 2, cellPx, cellPx);
        } else {
          ctx.globalAlpha = 1;
          ctx.beginPath();
          ctx.arc(f.x, f.y, s.radius, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    }
    ctx.globalAlpha = 1;
  }

  function add(map, options) {
    var o = options || {};
    var styles = o.styles || {0: {}};
    var cellPx = o.cellPx || 4;
    var vendor = o.vendorBase || VENDOR;
    var version = o.valuesVersion === undefined ? null : o.valuesVersion;
    var states = {};
    var stats = {tileRequests: 0, tileBytes: 0, valuesRequests: 0, valuesBytes: 0, mismatches: 0};

    function getBytes(url, kind) {
      stats[kind + 'Requests'] += 1;
      return fetch(url, {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
        return r.arrayBuffer();
      }).then(function (b) { stats[kind + 'Bytes'] += b.byteLength; return b; });
    }

    function values(state, v) {
      if (!o.valuesUrl || v === null || !state.features || !state.features.length) return Promise.resolve(null);
      return getBytes(fill(o.valuesUrl, v, state.coords), 'values').then(function (b) {
        var arr = new Uint8Array(b);
        if (arr.length !== state.features.length) { stats.mismatches += 1; return null; }
        return arr;
      });
    }

    var Layer = L.GridLayer.extend({
      createTile: function (coords, done) {
        var size = this.getTileSize(), dpr = window.devicePixelRatio || 1;
        var canvas = L.DomUtil.create('canvas', 'leaflet-tile');
        canvas.width = size.x * dpr;
        canvas.height = size.y * dpr;
        canvas.style.width = size.x + 'px';
        canvas.style.height = size.y + 'px';
        var key = this._tileCoordsToKey(coords);
        var state = {coords: {x: coords.x, y: coords.y, z: coords.z}, canvas: canvas, dpr: dpr,
                     features: null, classes: null};
        states[key] = state;
        var v = version;
        Promise.all([loadDecoders(vendor), getBytes(fill(o.tileUrl, '', coords), 'tile')])
          .then(function (res) {
            state.features = parse(res[0], res[1], size.x);
            return values(state, v);
          })
          .then(function settle(cls) {
            if (v !== version) {  // the values version changed while this tile loaded
              v = version;
              return values(state, v).then(settle);
            }
            state.classes = cls;
            state.version = v;
            draw(state, styles, cellPx);
            done(null, canvas);
          })
          .catch(function (err) { done(err, canvas); });
        return canvas;
      }
    });
    var layer = new Layer({pane: o.pane || 'overlayPane', zIndex: o.zIndex || 400, maxZoom: o.maxZoom || 22,
                           updateWhenZooming: false, keepBuffer: 1});
    layer.on('tileunload', function (e) { delete states[layer._tileCoordsToKey(e.coords)]; });
    layer.addTo(map);

    return {
      layer: layer,
      stats: stats,
      setValuesVersion: function (v) {
        version = v;
        var jobs = Object.keys(states).map(function (key) {
          var state = states[key];
          if (!state.features) return Promise.resolve();
          return values(state, v).then(function (cls) {
            if (version !== v) return;  // a newer version was asked for meanwhile
            state.classes = cls;
            state.version = v;
            draw(state, styles, cellPx);
          });
        });
        return Promise.all(jobs);
      },
      setStyles: function (s) {
        styles = s || {0: {}};
        Object.keys(states).forEach(function (key) { if (states[key].features) draw(states[key], styles, cellPx); });
      },
      remove: function () { map.removeLayer(layer); }
    };
  }

  window.PlannerVectorTiles = {add: add};
})();
