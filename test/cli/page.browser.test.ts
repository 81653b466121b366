import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {builtStore, chromiumOrSkip} from '../helpers/browser.js'
import {REPO_ROOT} from '../helpers/tmp.js'

test('the merchant page in headless Chromium: enter a product id, read the table, compare with the API', async () => {
  const executablePath = chromiumOrSkip()
  if (!executablePath) return
  const {chromium} = await import('playwright-core')
  const {tmp, db} = builtStore(6, [['prepare'], ['features'], ['train']])
  const server = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), 'serve', '--db', db, '--port', '0'], {stdio: ['ignore', 'pipe', 'inherit']})
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic', '--disable-component-update', '--disable-sync'],
  })
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      server.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (m) resolve(m[1])
      })
      server.on('exit', (code) => reject(new Error(`serve exited ${code}`)))
    })
    const sample = (await (await fetch(`${base}/products/sample?n=1`)).json()) as {product_ids: string[]}
    const productId = sample.product_ids[0]
    const page = await browser.newPage({acceptDownloads: true})
    await page.goto(base)
    await page.waitForSelector('#samples button')
    await page.fill('#product', productId)
    await page.selectOption('#n', '7')
    await page.click('button[type=submit]')
    await page.waitForSelector('#audience:not([hidden]) tbody tr')
    const rows = await page.$$eval('#audience tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)))
    const api = (await (await fetch(`${base}/recommend/${encodeURIComponent(productId)}?n=7`)).json()) as {recommendations: Array<{rank: number; customer_id: string; score: number; reason: string}>}
    assert.equal(
      rows,
      api.recommendations.map((r) => [String(r.rank), r.customer_id, r.score.toFixed(4), r.reason]),
    )
    const href = await page.getAttribute('#download', 'href')
    assert.is(href, `/recommend/${encodeURIComponent(productId)}.csv?n=7`)
    await page.fill('#product', 'NOT-A-PRODUCT')
    await page.click('button[type=submit]')
    await page.waitForFunction(() => (document.getElementById('note')?.textContent ?? '').includes('not in the data'))

    // A merchant who knows a name, not an id: type part of it, pick the product, download a campaign CSV.
    const named = (await (await fetch(`${base}/recommend/${encodeURIComponent(productId)}?n=1`)).json()) as {product_name: string}
    const words = named.product_name.split(' ')
    const partial = `${words[0]} ${words[words.length - 1].slice(0, 3)}`
    await page.fill('#product', '')
    await page.type('#product', partial)
    await page.waitForSelector('#suggest:not([hidden]) li')
    const suggested = await page.$$eval('#suggest li', (lis) => lis.map((li) => ({id: (li as HTMLElement).dataset.id ?? '', text: li.textContent ?? ''})))
    assert.ok(suggested.length >= 1 && suggested.length <= 10)
    for (const s of suggested) assert.ok(s.text.toLowerCase().includes(words[0].toLowerCase()), `suggestion ${s.text} matches what was typed`)
    // Enter on the whole name, no suggestion picked: the search's best match, not "not in the data".
    const best = (await (await fetch(`${base}/products/search?q=${encodeURIComponent(named.product_name)}&n=1`)).json()) as {products: Array<{product_id: string}>}
    await page.fill('#product', named.product_name)
    await page.press('#product', 'Enter')
    await page.waitForFunction((id) => (document.getElementById('title')?.textContent ?? '').includes(`(${id})`), best.products[0].product_id)
    assert.not.match(await page.textContent('#note') ?? '', /not in the data/)
    await page.fill('#product', '')
    await page.type('#product', partial)
    await page.waitForSelector('#suggest:not([hidden]) li')
    await page.click('#suggest li')
    await page.waitForFunction((id) => (document.getElementById('title')?.textContent ?? '').includes(id), suggested[0].id)
    const why = await page.$$eval('#audience tbody tr td:nth-child(4)', (tds) => tds.map((td) => td.textContent ?? ''))
    assert.ok(why.length > 0 && why.every((w) => w.length > 0), 'every member says why it is there')
    await page.selectOption('#holdout', '20')
    await page.fill('#campaign', 'launch-test')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')])
    const csvText = readFileSync(await download.path(), 'utf8').trim().split('\r\n')
    assert.is(csvText[0], 'product_id,rank,customer_id,score,interactions,distinct_products,last_seen,reason,group')
    for (const line of csvText.slice(1)) assert.match(line, /,(treatment|control)$/)
    assert.match(await page.textContent('#campaign-note') ?? '', /campaign launch-test: 20% held out/)
  } finally {
    await browser.close()
    server.kill('SIGTERM')
    tmp.cleanup()
  }
})

test.run()
