// Streamlit (components v2) glue for window.PlannerMap: loads Leaflet and the map from the app's own
// static files (never a CDN), keeps one map per component across reruns and sends clicks, drawings and
// (when asked) the view back to Python.
const BASE = '/app/static';
const loading = {};

function loadOnce(tag, url) {
  if (!loading[url]) {
    loading[url] = new Promise((resolve, reject) => {
      const node = document.createElement(tag);
      if (tag === 'link') { node.rel = 'stylesheet'; node.href = url; } else { node.src = url; node.async = false; }
      node.onload = () => resolve();
      node.onerror = () => reject(new Error('cannot load ' + url));
      document.head.appendChild(node);
    });
  }
  return loading[url];
}

function assets(spec) {
  // every script asked for at once: fetched in parallel, run in this order (scripts added with async = false)
  const css = [loadOnce('link', `${BASE}/vendor/leaflet/leaflet.css`)];
  const js = [
    loadOnce('script', `${BASE}/vendor/leaflet/leaflet.js`),
    loadOnce('script', `${BASE}/js/planner_map.js?v=${spec.asset_version || ''}`),
  ];
  if (spec.draw) {
    css.push(loadOnce('link', `${BASE}/vendor/leaflet-draw/leaflet.draw.css`));
    js.push(loadOnce('script', `${BASE}/vendor/leaflet-draw/leaflet.draw.js`));
  }
  for (const extra of spec.scripts || []) js.push(loadOnce('script', `${BASE}/${extra}`));
  return Promise.all([...js, ...css]);
}

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  let host = parentElement.querySelector('.pp-map');
  if (!host) {
    host = document.createElement('div');
    host.className = 'pp-map';
    host.style.width = '100%';
    parentElement.appendChild(host);
  }
  host.style.height = `${data.height || 560}px`;
  host.dataset.mapKey = data.map_key || '';
  host._latest = data;
  assets(data).then(() => {
    if (!host._pm) {
      host._pm = new window.PlannerMap(host, {
        onEvent: (ev) => (ev.type === 'view' ? setStateValue('view', ev) : setTriggerValue('event', ev)),
      });
      window.__plannerMaps = window.__plannerMaps || {};
      host.dataset.ready = '1';
    }
    window.__plannerMaps[data.map_key || 'map'] = host._pm;
    host._pm.update(host._latest);
  }).catch((err) => { host.dataset.error = String(err); host.textContent = String(err); });
}
