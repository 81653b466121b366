import {createHash} from 'node:crypto'

/** The merchant page: one HTML document, no build step, no framework. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>recsys audiences</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 56rem; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  form { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }
  input, select, button { font: inherit; padding: .35rem .5rem; }
  button { cursor: pointer; }
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
<form id="search">
  <label>Product id <input id="product" name="product" required autocomplete="off"></label>
  <label>Users <select id="n" name="n"></select></label>
  <button type="submit">Show audience</button>
  <a id="download" href="#" hidden>Download CSV</a>
</form>
<div class="samples">Try: <span id="samples"></span></div>
<p id="note"></p><p id="error"></p>
<table id="audience" hidden>
  <thead><tr><th class="num">rank</th><th>customer_id</th><th class="num">score</th><th>why</th></tr></thead>
  <tbody></tbody>
</table>
<script>
const $ = (id) => document.getElementById(id);
async function getJson(url) {
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}
async function show(id) {
  $('error').textContent = ''; $('note').textContent = '';
  const n = $('n').value;
  try {
    const data = await getJson('/recommend/' + encodeURIComponent(id) + '?n=' + n);
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
    const link = $('download');
    link.href = '/recommend/' + encodeURIComponent(id) + '.csv?n=' + n; link.hidden = false;
  } catch (e) { $('audience').hidden = true; $('error').textContent = e.message; }
}
$('search').addEventListener('submit', (e) => { e.preventDefault(); show($('product').value.trim()); });
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
