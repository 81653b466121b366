import {compact, esc, px} from './markup.js'

/**
 * Chart primitives: pure functions from plain numbers to SVG markup, drawn at build time so the
 * report needs no script, no library and no network to show its charts. Every chart has a visible
 * title, axes with tick labels and axis titles; its data marks carry class="mark" and a <title>
 * (the browser's tooltip), and the <svg> states how many it drew in data-marks.
 */
export interface Chart {
  id: string
  title: string
  /** Data marks drawn: bars, heat-map cells, points. */
  marks: number
  svg: string
}

/** One width for every chart (a viewBox, so the page scales it); heights follow the content. */
export const CHART_WIDTH = 720
const TITLE_H = 30

export const COLORS = {
  mark: '#3b6fb6',
  highlight: '#d9480f',
  axis: '#5b6573',
  grid: '#e3e7ed',
  text: '#1d2330',
  muted: '#6b7480',
}

export interface Ticks {
  /** The domain widened to whole steps. */
  lo: number
  hi: number
  step: number
  values: number[]
}

/**
 * About `count` round ticks (steps of 1, 2 or 5 × 10^n) covering [lo, hi]; an empty span is
 * widened so a chart of all zeros still has an axis.
 */
export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (!(hi > lo)) hi = lo + (lo === 0 ? 1 : Math.abs(lo))
  const raw = (hi - lo) / Math.max(1, count)
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const f = raw / magnitude
  const step = magnitude * (f >= 7.5 ? 10 : f >= 3.5 ? 5 : f >= 1.5 ? 2 : 1)
  const first = Math.floor(lo / step + 1e-9)
  const last = Math.ceil(hi / step - 1e-9)
  const values: number[] = []
  // Multiplying (not adding) keeps 0.1 + 0.2 style drift out of the labels.
  for (let i = first; i <= last; i++) values.push(Number((i * step).toPrecision(12)))
  return {lo: first * step, hi: last * step, step, values}
}

/** Labels with as many decimals as the step needs: 0.005 → "0.015", 2000 → "2k". */
export function tickFormat(step: number): (v: number) => string {
  if (step >= 1) return compact
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)))
  return (v) => v.toFixed(decimals)
}

function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0)
  return (x) => r0 + (x - d0) * k
}

function open(id: string, title: string, height: number, marks: number, extra = ''): string {
  return (
    `<svg class="chart" data-chart="${esc(id)}" data-marks="${marks}" viewBox="0 0 ${CHART_WIDTH} ${px(height)}" role="img" aria-label="${esc(title)}">` +
    `<text class="chart-title" x="2" y="18">${esc(title)}</text>${extra}`
  )
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${esc(content)}</text>`
}

function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${cls}" x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}"/>`
}

/** A left axis: gridlines across the plot, tick labels, and the axis title turned upright. */
function leftAxis(ticks: Array<{y: number; label: string}>, left: number, right: number, top: number, bottom: number, title: string): string {
  let s = '<g class="axis y-axis">'
  for (const t of ticks) s += line(left, t.y, right, t.y, 'grid') + text(left - 6, t.y + 4, t.label, 'text-anchor="end" class="tick"')
  s += line(left, top, left, bottom, 'domain')
  const mid = (top + bottom) / 2
  s += `<text class="axis-title" text-anchor="middle" transform="translate(14 ${px(mid)}) rotate(-90)">${esc(title)}</text>`
  return `${s}</g>`
}

/** A bottom axis: the baseline, ticks with labels under it, the axis title centred below. */
function bottomAxis(ticks: Array<{x: number; label: string}>, left: number, right: number, y: number, title: string, grid?: {top: number}): string {
  let s = '<g class="axis x-axis">'
  for (const t of ticks) {
    if (grid) s += line(t.x, grid.top, t.x, y, 'grid')
    s += line(t.x, y, t.x, y + 4, 'tick-line') + text(t.x, y + 17, t.label, 'text-anchor="middle" class="tick"')
  }
  s += line(left, y, right, y, 'domain')
  s += text((left + right) / 2, y + 36, title, 'text-anchor="middle" class="axis-title"')
  return `${s}</g>`
}

export interface Bar {
  label: string
  value: number
  /** The mark's tooltip. */
  tooltip: string
  /** Printed above the bar when there are few bars. */
  note?: string
}

export interface BarChartOptions {
  id: string
  title: string
  bars: Bar[]
  xTitle: string
  yTitle: string
  /** Heights on log10(1 + value), so a long tail stays visible beside a big head. */
  log?: boolean
  /** Which bars get an x label (default: every bar, thinned past 24). */
  xTicks?: Array<{at: number; label: string}>
  height?: number
}

const MANY_BARS = 24

/** The plot's bottom and right edges inside a chart of this height and these margins. */
function plotEdges(height: number, m: {right: number; bottom: number}): {plotBottom: number; plotRight: number} {
  return {plotBottom: height - m.bottom, plotRight: CHART_WIDTH - m.right}
}

/** Vertical bars, one per value, on a linear or log1p y axis. */
export function barChart(o: BarChartOptions): Chart {
  const height = o.height ?? 300
  const m = {left: 68, right: 36, top: TITLE_H + 14, bottom: 48}
  const {plotBottom, plotRight} = plotEdges(height, m)
  const n = o.bars.length
  const max = o.bars.reduce((a, b) => Math.max(a, b.value), 0)

  let yTicks: Array<{v: number; label: string}>
  let y: (v: number) => number
  if (o.log) {
    // log10(1 + v): zero sits on the baseline and a single user still gets a visible bar.
    const top = 10 ** Math.max(1, Math.ceil(Math.log10(Math.max(1, max))))
    const t = (v: number): number => Math.log10(1 + Math.max(0, v))
    const scale = linear(0, t(top), plotBottom, m.top)
    y = (v) => scale(t(v))
    // No "0" tick: it would sit a few pixels under "1"; the baseline is zero.
    yTicks = []
    for (let p = 1; p <= top; p *= 10) yTicks.push({v: p, label: compact(p)})
  } else {
    const ticks = niceTicks(0, max, 5)
    const scale = linear(0, ticks.hi, plotBottom, m.top)
    y = scale
    const format = tickFormat(ticks.step)
    yTicks = ticks.values.map((v) => ({v, label: format(v)}))
  }

  const band = (plotRight - m.left) / Math.max(1, n)
  // At most 56 px wide: one day of data should read as a bar, not as a filled plot.
  const barWidth = Math.min(56, Math.max(0.6, band * (n > MANY_BARS ? 0.9 : 0.72)))
  const every = Math.ceil(n / 12)
  const xTicks = o.xTicks ?? o.bars.map((b, i) => ({at: i, label: b.label})).filter((_, i) => n <= MANY_BARS || i % every === 0)

  let s = open(o.id, o.title, height, n)
  s += leftAxis(yTicks.map((t) => ({y: y(t.v), label: t.label})), m.left, plotRight, m.top, plotBottom, o.yTitle)
  s += '<g class="marks">'
  for (let i = 0; i < n; i++) {
    const b = o.bars[i]
    const x = m.left + band * i + (band - barWidth) / 2
    const top = y(b.value)
    s += `<rect class="mark bar" x="${px(x)}" y="${px(top)}" width="${px(barWidth)}" height="${px(plotBottom - top)}"><title>${esc(b.tooltip)}</title></rect>`
    if (b.note !== undefined && n <= MANY_BARS) s += text(x + barWidth / 2, top - 5, b.note, 'text-anchor="middle" class="note"')
  }
  s += '</g>'
  s += bottomAxis(xTicks.map((t) => ({x: m.left + band * (t.at + 0.5), label: t.label})), m.left, plotRight, plotBottom, o.xTitle)
  return {id: o.id, title: o.title, marks: n, svg: `${s}</svg>`}
}

export interface LineChartOptions {
  id: string
  title: string
  values: number[]
  xTicks: Array<{at: number; label: string}>
  xTitle: string
  yTitle: string
  height?: number
}

/** One line over many values (too many for bars), with the area under it shaded. */
export function lineChart(o: LineChartOptions): Chart {
  const height = o.height ?? 280
  const m = {left: 68, right: 36, top: TITLE_H + 10, bottom: 48}
  const {plotBottom, plotRight} = plotEdges(height, m)
  const n = o.values.length
  const ticks = niceTicks(0, o.values.reduce((a, b) => Math.max(a, b), 0), 5)
  const y = linear(0, ticks.hi, plotBottom, m.top)
  const x = linear(0, Math.max(1, n - 1), m.left, plotRight)
  const format = tickFormat(ticks.step)
  let d = ''
  for (let i = 0; i < n; i++) d += `${i === 0 ? 'M' : 'L'}${px(x(i))} ${px(y(o.values[i]))}`
  let s = open(o.id, o.title, height, n)
  s += leftAxis(ticks.values.map((v) => ({y: y(v), label: format(v)})), m.left, plotRight, m.top, plotBottom, o.yTitle)
  if (n > 0) {
    s += `<path class="area" d="${d}L${px(x(n - 1))} ${px(plotBottom)}L${px(x(0))} ${px(plotBottom)}Z"/>`
    s += `<path class="mark line" data-points="${n}" d="${d}"><title>${esc(o.title)}</title></path>`
  }
  s += bottomAxis(o.xTicks.map((t) => ({x: x(t.at), label: t.label})), m.left, plotRight, plotBottom, o.xTitle)
  return {id: o.id, title: o.title, marks: n, svg: `${s}</svg>`}
}

export interface HorizontalBarOptions {
  id: string
  title: string
  bars: Bar[]
  /** Printed right of each bar (e.g. "11,595 (61.4%)"). */
  values: string[]
  xTitle: string
}

/** Horizontal bars with their labels on the left: for categories with long names (events). */
export function horizontalBarChart(o: HorizontalBarOptions): Chart {
  const row = 24
  const m = {left: 150, right: 130, top: TITLE_H + 8, bottom: 48}
  const n = o.bars.length
  const height = m.top + Math.max(1, n) * row + m.bottom // one row per item
  const {plotBottom, plotRight} = plotEdges(height, m)
  const ticks = niceTicks(0, o.bars.reduce((a, b) => Math.max(a, b.value), 0), 5)
  const x = linear(0, ticks.hi, m.left, plotRight)
  const format = tickFormat(ticks.step)
  let s = open(o.id, o.title, height, n)
  s += bottomAxis(ticks.values.map((v) => ({x: x(v), label: format(v)})), m.left, plotRight, plotBottom, o.xTitle, {top: m.top})
  s += line(m.left, m.top, m.left, plotBottom, 'domain')
  s += '<g class="marks">'
  for (let i = 0; i < n; i++) {
    const b = o.bars[i]
    const top = m.top + i * row
    s += text(m.left - 8, top + row / 2 + 4, b.label, 'text-anchor="end" class="label"')
    s += `<rect class="mark bar" x="${m.left}" y="${px(top + 4)}" width="${px(x(b.value) - m.left)}" height="${row - 8}"><title>${esc(b.tooltip)}</title></rect>`
    s += text(x(b.value) + 6, top + row / 2 + 4, o.values[i] ?? '', 'class="note"')
  }
  return {id: o.id, title: o.title, marks: n, svg: `${s}</g></svg>`}
}

export interface HeatMapOptions {
  id: string
  title: string
  /** Row labels, top to bottom. */
  rows: string[]
  columns: string[]
  /** values[r][c]; rows may be shorter than the column count (later months not reached yet). */
  values: number[][]
  /** The value that gets the darkest colour (larger ones are clamped to it). */
  max: number
  format: (v: number) => string
  tooltip: (r: number, c: number) => string
  xTitle: string
  yTitle: string
  legendTitle: string
}

const HEAT_FROM = [238, 243, 251]
const HEAT_TO = [8, 48, 107]

/** A blue ramp from near-white (0) to dark (1), interpolated in sRGB: monotone in lightness. */
export function heatColor(t: number): string {
  const u = Math.min(1, Math.max(0, t))
  const c = HEAT_FROM.map((f, i) => Math.round(f + (HEAT_TO[i] - f) * u))
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`
}

/** A grid of shaded cells with row and column labels, values printed when the cells are big enough. */
export function heatMap(o: HeatMapOptions): Chart {
  const m = {left: 150, right: 16, top: TITLE_H + 44, bottom: 56}
  const nCols = Math.max(1, o.columns.length)
  const nRows = Math.max(1, o.rows.length)
  const cellW = Math.min(64, (CHART_WIDTH - m.left - m.right) / nCols)
  const cellH = nRows > 24 ? 16 : 24
  const height = m.top + nRows * cellH + m.bottom
  const gridBottom = m.top + nRows * cellH
  const printValues = cellW >= 40
  const labelEvery = Math.ceil(nCols / 18)
  let cells = 0
  let body = ''
  for (let r = 0; r < o.rows.length; r++) {
    const top = m.top + r * cellH
    body += text(m.left - 6, top + cellH / 2 + 4, o.rows[r], 'text-anchor="end" class="label"')
    const row = o.values[r] ?? []
    for (let c = 0; c < Math.min(row.length, nCols); c++) {
      const t = o.max > 0 ? row[c] / o.max : 0
      const x = m.left + c * cellW
      body += `<rect class="mark" x="${px(x)}" y="${px(top)}" width="${px(cellW - 1)}" height="${cellH - 1}" fill="${heatColor(t)}"><title>${esc(o.tooltip(r, c))}</title></rect>`
      if (printValues) body += text(x + cellW / 2, top + cellH / 2 + 4, o.format(row[c]), `text-anchor="middle" class="cell${t > 0.5 ? ' dark' : ''}"`)
      cells++
    }
  }
  let s = open(o.id, o.title, height, cells)
  // The legend: six swatches from 0 to the clamp value, above the grid.
  const swatches = 6
  for (let i = 0; i < swatches; i++) {
    const v = (o.max * i) / (swatches - 1)
    const x = m.left + i * 58
    s += `<rect class="swatch" x="${x}" y="${TITLE_H}" width="56" height="12" fill="${heatColor(i / (swatches - 1))}"/>`
    s += text(x + 28, TITLE_H + 25, `${i === swatches - 1 ? '≥ ' : ''}${o.format(v)}`, 'text-anchor="middle" class="tick"')
  }
  s += text(m.left + swatches * 58 + 6, TITLE_H + 11, o.legendTitle, 'class="tick"')
  s += `<g class="marks">${body}</g>`
  let axis = '<g class="axis x-axis">'
  for (let c = 0; c < o.columns.length; c += labelEvery) axis += text(m.left + (c + 0.5) * cellW, gridBottom + 16, o.columns[c], 'text-anchor="middle" class="tick"')
  axis += text(m.left + (nCols * cellW) / 2, gridBottom + 38, o.xTitle, 'text-anchor="middle" class="axis-title"')
  axis += `<text class="axis-title" text-anchor="middle" transform="translate(14 ${px((m.top + gridBottom) / 2)}) rotate(-90)">${esc(o.yTitle)}</text>`
  s += `${axis}</g>`
  return {id: o.id, title: o.title, marks: cells, svg: `${s}</svg>`}
}

export interface IntervalRow {
  label: string
  mean: number
  low: number
  high: number
  /** Drawn in the highlight colour, with `tag` after its label (the shipped ranking). */
  highlight?: boolean
  tag?: string
}

export interface IntervalChartOptions {
  id: string
  title: string
  rows: IntervalRow[]
  xTitle: string
  format: (v: number) => string
  /** A reference line at zero (for differences and lifts). */
  zeroLine?: boolean
}

/** One row per estimate: a point at the mean and whiskers across its interval, values on the right. */
export function intervalChart(o: IntervalChartOptions): Chart {
  const row = 30
  const m = {left: 190, right: 190, top: TITLE_H + 22, bottom: 50}
  const n = o.rows.length
  const height = m.top + Math.max(1, n) * row + m.bottom // one row per item
  const {plotBottom, plotRight} = plotEdges(height, m)
  const measured = (r: IntervalRow): boolean => [r.mean, r.low, r.high].every(Number.isFinite)
  const finite = o.rows.filter(measured)
  const lo = Math.min(0, ...finite.map((r) => r.low))
  const hi = Math.max(0, ...finite.map((r) => r.high))
  const ticks = niceTicks(lo, hi, 5)
  const x = linear(ticks.lo, ticks.hi, m.left, plotRight)
  const format = tickFormat(ticks.step)
  const legend =
    `<circle cx="${plotRight - 150}" cy="${TITLE_H + 4}" r="4" class="legend-point"/>` +
    text(plotRight - 142, TITLE_H + 8, 'mean', 'class="tick"') +
    line(plotRight - 100, TITLE_H + 4, plotRight - 80, TITLE_H + 4, 'whisker legend-whisker') +
    text(plotRight - 76, TITLE_H + 8, '95% interval', 'class="tick"')
  let s = open(o.id, o.title, height, finite.length, legend)
  s += bottomAxis(ticks.values.map((v) => ({x: x(v), label: format(v)})), m.left, plotRight, plotBottom, o.xTitle, {top: m.top})
  if (o.zeroLine && ticks.lo < 0) s += line(x(0), m.top, x(0), plotBottom, 'zero')
  s += '<g class="marks">'
  for (let i = 0; i < n; i++) {
    const r = o.rows[i]
    const cy = m.top + i * row + row / 2
    const cls = r.highlight ? ' highlight' : ''
    const label = r.tag ? `${r.label} (${r.tag})` : r.label
    s += `<g class="interval${cls}">`
    s += text(m.left - 10, cy + 4, label, `text-anchor="end" class="label${cls}"`)
    if (measured(r)) {
      s += line(x(r.low), cy, x(r.high), cy, 'whisker') + line(x(r.low), cy - 6, x(r.low), cy + 6, 'whisker') + line(x(r.high), cy - 6, x(r.high), cy + 6, 'whisker')
      s += `<circle class="mark" cx="${px(x(r.mean))}" cy="${px(cy)}" r="5"><title>${esc(`${label}: ${o.format(r.mean)} [${o.format(r.low)}, ${o.format(r.high)}]`)}</title></circle>`
      s += text(plotRight + 12, cy + 4, `${o.format(r.mean)} [${o.format(r.low)}, ${o.format(r.high)}]`, `class="note${cls}"`)
    } else {
      s += text(plotRight + 12, cy + 4, 'not measured', 'class="note"')
    }
    s += '</g>'
  }
  return {id: o.id, title: o.title, marks: finite.length, svg: `${s}</g></svg>`}
}
