import {AUDIENCE_CSV_COLUMNS, type AudienceAnswer, type AudienceMember} from '../../core/audience/answer.js'
import {excerpt} from '../../core/errors.js'
import {csvField, safeCsvText} from '../../core/util/csv.js'
import {int, num, table} from './format.js'
import {paint} from './style.js'

/** Tables longer than this hang a terminal for no reader's benefit: CSV or JSON instead. */
export const MAX_TABLE_ROWS = 1000

/** One answer as it streams: its fields, and its members one at a time. */
export interface AnswerStream {
  head: AudienceAnswer
  count: number
  member(i: number): AudienceMember
}

/** The CSV header (RFC 4180, CRLF line ends); a campaign export adds its group column last. */
export function audienceCsvHeader(groups = false): string {
  return `${AUDIENCE_CSV_COLUMNS.join(',')}${groups ? ',group' : ''}\r\n`
}

/** One CSV row: text cells neutralised against formula injection unless `raw`. */
export function audienceCsvRow(productId: string, m: AudienceMember, raw: boolean, groups = false): string {
  const text = raw ? csvField : safeCsvText
  return `${text(productId)},${m.rank ?? ''},${text(m.customer_id)},${m.score ?? ''},${m.interactions},${m.distinct_products},${m.last_seen},${text(m.reason)}${groups ? `,${m.group ?? ''}` : ''}\r\n`
}

/** Every answer as CSV, row by row through `write`. */
export function writeAudienceCsv(answers: Iterable<AnswerStream>, write: (chunk: string) => void, raw = false, groups = false): number {
  write(audienceCsvHeader(groups))
  let rows = 0
  for (const a of answers) {
    for (let i = 0; i < a.count; i++) write(audienceCsvRow(a.head.product_id, a.member(i), raw, groups))
    rows += a.count
  }
  return rows
}

/**
 * Answers as pretty JSON (two-space indent, as --json prints), streamed member by member so a huge
 * audience never sits in memory as one string. One answer is an object; several are {"audiences": […]}.
 */
export function writeAudienceJson(answers: AnswerStream[], write: (chunk: string) => void, extra?: Record<string, unknown>): void {
  const several = answers.length !== 1 || extra !== undefined
  const pad = several ? '    ' : '  '
  if (several) {
    write('{\n')
    for (const [key, value] of Object.entries(extra ?? {})) write(`  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).split('\n').join('\n  ')},\n`)
    write('  "audiences": [\n')
  }
  answers.forEach((a, x) => {
    write(`${several ? '  ' : ''}{`)
    Object.entries(a.head).forEach(([key, value], f) => {
      write(`${f > 0 ? ',' : ''}\n${pad}${JSON.stringify(key)}: `)
      if (key !== 'recommendations') {
        write(JSON.stringify(value))
        return
      }
      write('[')
      for (let i = 0; i < a.count; i++) {
        const body = JSON.stringify(a.member(i), null, 2).split('\n').join(`\n${pad}  `)
        write(`${i > 0 ? ',' : ''}\n${pad}  ${body}`)
      }
      write(`${a.count > 0 ? `\n${pad}` : ''}]`)
    })
    write(`\n${several ? '  ' : ''}}${several && x < answers.length - 1 ? ',' : ''}\n`)
  })
  if (several) write('  ]\n}\n')
}

/** The terminal view of one answer (at most MAX_TABLE_ROWS rows: the caller checks). */
export function renderAudience(a: AudienceAnswer): string {
  // Ids and names come from the data: control characters are shown escaped, never sent to the terminal.
  const name = a.product_name ? ` (${excerpt(a.product_name, 200)})` : ''
  const title = `${paint.bold(`Audience for product ${excerpt(a.product_id, 200)}`)}${name}: top ${a.count}, ranked by ${a.ranking}`
  const note = a.note ? `\n${paint.yellow(`Note: ${excerpt(a.note, 1000)}`)}` : ''
  const groups = a.recommendations.some((m) => m.group)
  const rows = a.recommendations.map((m) => [m.rank ?? '', excerpt(m.customer_id, 200), m.score === null ? '' : num(m.score, 4), int(m.interactions), int(m.distinct_products), m.last_seen, m.reason, ...(groups ? [m.group ?? ''] : [])])
  const head = ['rank', 'customer_id', 'score', 'interactions', 'products', 'last seen', 'why', ...(groups ? ['group'] : [])]
  return `${title}${note}\n${table(head, rows, ['right', 'left', 'right', 'right', 'right', 'left', 'left', 'left'])}`
}

/** What the rules of an export did, for stderr. */
export function renderExportSummary(summary: {
  campaignId?: string
  recorded: boolean
  members: {treatment: number; control: number}
  removed: Record<string, number>
  overlap: {usersInSeveral: number; pairs: Array<{a: string; b: string; shared: number}>} | null
  unmatchedExclusions?: number
  excludeListed?: number
  short?: {products: number; empty: number}
  n?: number
  products?: number
}): string {
  const lines: string[] = []
  if (summary.unmatchedExclusions && summary.excludeListed) {
    const all = summary.unmatchedExclusions === summary.excludeListed
    lines.push(
      `${all ? paint.yellow('warning: ') : ''}${int(summary.unmatchedExclusions)} of ${int(summary.excludeListed)} ids on the do-not-target list match no customer in the data${all ? ': is it the right file, with one customer id per line or a customer_id column?' : ''}`,
    )
  }
  if (summary.campaignId) lines.push(`campaign ${summary.campaignId}: ${int(summary.members.treatment)} treatment, ${int(summary.members.control)} control${summary.recorded ? ' (recorded in the store; measure it with `recsys campaign report ' + summary.campaignId + '`)' : ''}`)
  const removed = Object.entries(summary.removed).filter(([, n]) => n > 0)
  if (removed.length > 0) {
    const short = summary.short && summary.short.products > 0 ? `; ${int(summary.short.products)} of ${int(summary.products ?? 0)} audiences are shorter than ${int(summary.n ?? 0)} (${int(summary.short.empty)} empty): not enough eligible users` : ''
    lines.push(`rules: ${removed.map(([k, n]) => `${int(n)} ${RULE_LABEL[k] ?? k}`).join(', ')}; the next best users took the freed places where there were any${short}`)
  }
  if (summary.overlap) {
    const top = summary.overlap.pairs.slice(0, 3).map((p) => `${p.a}/${p.b} ${int(p.shared)}`)
    // Overlap is counted on the plain top lists: after a rule took users out, say so, or a
    // --dedupe export would seem to have left users in several audiences.
    const before = removed.length > 0 ? ' before the rules' : ''
    const after = (summary.removed.dedupe ?? 0) > 0 ? '; after --dedupe each is in one' : ''
    lines.push(`overlap${before}: ${int(summary.overlap.usersInSeveral)} users were in more than one product's top list${top.length ? ` (most shared: ${top.join(', ')})` : ''}${after}`)
  }
  return lines.join('\n')
}

const RULE_LABEL: Record<string, string> = {
  excludedUsers: 'on the do-not-target list',
  frequencyCap: 'over the frequency cap',
  dedupe: 'moved to the product that ranks them higher',
  belowMinScore: 'below the minimum score',
  excludedProducts: 'products excluded',
}
