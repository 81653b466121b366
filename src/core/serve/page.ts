import {createHash} from 'node:crypto'

/** The merchant page: one HTML document, no build step, no framework. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>recsys audiences</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  [hidden] { display: none !important; }
  form { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; position: relative; }
  input, select, button { font: inherit; padding: .35rem .5rem; }
  #product { width: 22rem; }
  button { cursor: pointer; }
  #suggest { position: absolute; top: 100%; left: 0; right: 0; z-index: 2; list-style: none; margin: 0; padding: 0; background: #fff; border: 1px solid #c9d0db; max-height: 18rem; overflow-y: auto; }
  #suggest li { padding: .3rem .5rem; cursor: pointer; }
  #suggest li:hover, #suggest li.active { background: #eef2f8; }
  #suggest .pid { color: #667; font-size: .8rem; margin-left: .4rem; }
  table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #dde2ea; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  #note { color: #8a5a00; }
  #error { color: #b00020; }
  .samples button { margin: 0 .3rem .3rem 0; }
  .muted { color: #667; font-size: .85rem; }
</style>
</head>
<body>
<h1>Who should see this product?</h1>
<p class="muted">The users to target for a product, from the trained recsys model. <span id="model"></span></p>
<form id="search" autocomplete="off">
  <label>Product name or id <input id="product" name="product" required placeholder="Start typing a product name">
    <ul id="suggest" hidden></ul></label>
  <label>Users <select id="n" name="n"></select></label>
  <button type="submit">Show audience</button>
</form>
<div class="samples">Try: <span id="samples"></span></div>
<p id="note"></p><p id="error"></p>
<h2 id="title" hidden></h2>
<table id="audience" hidden>
  <thead><tr><th class="num">rank</th><th>customer_id</th><th class="num">score</th><th>why</th></tr></thead>
  <tbody></tbody>
</table>
<form id="export" hidden>
  <label>Control group <select id="holdout"><option value="" selected>none</option><option value="5">5%</option><option value="10">10%</option><option value="20">20%</option></select></label>
  <label>Campaign id <input id="campaign" placeholder="product and date"></label>
  <a id="download" href="#">Download CSV</a>
  <span class="muted" id="campaign-note"></span>
</form>
<script>
const $ = (id) => document.getElementById(id);
let current = '';
async function getJson(url) {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}
function updateDownload() {
  const n = $('n').value, holdout = $('holdout').value, campaign = $('campaign').value.trim();
  let href = '/recommend/' + encodeURIComponent(current) + '.csv?n=' + n;
  if (holdout) href += '&holdout=' + holdout + (campaign ? '&campaign=' + encodeURIComponent(campaign) : '');
  $('download').href = href;
  const day = new Date().toISOString().slice(0, 10);
  const name = campaign || current.replace(/[^A-Za-z0-9._-]/g, '_') + '-' + day;
  $('campaign-note').textContent = holdout ? 'campaign ' + name + ': ' + holdout + '% held out as control (a group column in the CSV; contact only the treatment rows). To measure it later, record it from the command line: recsys recommend ' + current + ' -n ' + n + ' --holdout ' + holdout + '% --campaign ' + name + ' (the same split)' : '';
}
async function show(id) {
  $('error').textContent = ''; $('note').textContent = ''; $('suggest').hidden = true;
  const n = $('n').value;
  try {
    const data = await getJson('/recommend/' + encodeURIComponent(id) + '?n=' + n);
    current = data.product_id;
    $('title').textContent = 'Audience for ' + (data.product_name ? data.product_name + ' (' + data.product_id + ')' : data.product_id) + ', ranked by ' + data.ranking;
    $('title').hidden = false;
    const tbody = $('audience').querySelector('tbody');
    tbody.replaceChildren(...data.recommendations.map((r) => {
      const tr = document.createElement('tr');
      for (const [value, cls] of [[r.rank, 'num'], [r.customer_id, ''], [r.score.toFixed(4), 'num'], [r.reason, '']]) {
        const td = document.createElement('td'); td.textContent = value; if (cls) td.className = cls; tr.append(td);
      }
      return tr;
    }));
    $('audience').hidden = false;
    $('note').textContent = data.note || '';
    $('export').hidden = false;
    updateDownload();
  } catch (e) { $('audience').hidden = true; $('export').hidden = true; $('title').hidden = true; $('error').textContent = e.message; }
}
let pending = 0;
$('product').addEventListener('input', () => {
  const q = $('product').value.trim();
  const ticket = ++pending;
  if (q.length < 2) { $('suggest').hidden = true; return; }
  setTimeout(async () => {
    if (ticket !== pending) return;
    const found = await getJson('/products/search?q=' + encodeURIComponent(q) + '&n=10');
    if (ticket !== pending) return;
    $('suggest').replaceChildren(...found.products.map((p) => {
      const li = document.createElement('li');
      li.textContent = p.name || p.product_id;
      const id = document.createElement('span'); id.className = 'pid'; id.textContent = p.product_id; li.append(id);
      li.dataset.id = p.product_id;
      li.addEventListener('click', () => { $('product').value = p.name || p.product_id; show(p.product_id); });
      return li;
    }));
    $('suggest').hidden = found.products.length === 0;
  }, 150);
});
// Enter on a typed name (not an id) shows the best match the search finds, an exact id first;
// text the search cannot place is asked for as an id (the cold start says it is not in the data).
$('search').addEventListener('submit', async (e) => {
  e.preventDefault();
  const typed = $('product').value.trim();
  if (!typed) return;
  let id = typed;
  try {
    const found = await getJson('/products/search?q=' + encodeURIComponent(typed) + '&n=1');
    if (found.products.length > 0) id = found.products[0].product_id;
  } catch (err) { /* the audience request says what is wrong */ }
  show(id);
});
for (const id of ['n', 'holdout', 'campaign']) $(id).addEventListener('input', updateDownload);
$('n').addEventListener('change', () => { if (current) show(current); });
(async () => {
  const health = await getJson('/health');
  $('model').textContent = 'Model v' + health.model_version + ' (' + health.ranking + '), ' + health.available_products.toLocaleString() + ' products, trained ' + health.trained_at + '.';
  for (let n = 1; n <= health.max_n; n++) { const o = document.createElement('option'); o.value = o.textContent = n; if (n === Math.min(health.top_n, health.max_n)) o.selected = true; $('n').append(o); }
  const sample = await getJson('/products/sample?n=5');
  $('samples').replaceChildren(...sample.product_ids.map((id) => {
    const b = document.createElement('button'); b.type = 'button'; b.textContent = id;
    b.addEventListener('click', () => { $('product').value = id; show(id); }); return b;
  }));
})();
</script>
</body>
</html>
`

const inline = (tag: string): string => PAGE_HTML.slice(PAGE_HTML.indexOf(`<${tag}>`) + tag.length + 2, PAGE_HTML.indexOf(`</${tag}>`))
const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** The page runs only its own inline script and style, talks only to this server, and is never framed. */
export const PAGE_CSP = `default-src 'none'; script-src ${sha256(inline('script'))}; style-src ${sha256(inline('style'))}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`
