// Streamlit (components v2) glue for the sign-in cookie: hands the app's own route a sign-in's one-time code
// (it answers with the HttpOnly cookie) or asks it to clear the cookie. After a sign-in the page is loaded
// again, so that the new connection carries the cookie: each script run takes the sign-in from there.
export default function (component) {
  const { data } = component;
  if (!data || !data.url) return;
  const once = data.url + '|' + (data.code || '');
  if (window.__plannerAuthSent === once) return;
  window.__plannerAuthSent = once;
  fetch(data.url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'text/plain' },
    body: data.code || '',
  }).finally(() => {
    if (!data.reload) return;
    const next = new URL(window.location.href);
    if (data.lang) next.searchParams.set('lang', data.lang);
    window.location.replace(next.toString());
  });
}
