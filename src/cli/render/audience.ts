import {AUDIENCE_CSV_COLUMNS, type AudienceAnswer, type AudienceMember} from '../../core/audience/answer.js'
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

/** The CSV header (RFC 4180, CRLF line ends). */
export function audienceCsvHeader(): string {
  return `${AUDIENCE_CSV_COLUMNS.join(',')}\r\n`
}

/** One CSV row: text cells neutralised against formula injection unless `raw`. */
export function audienceCsvRow(productId: string, m: AudienceMember, raw: boolean): string {
  const text = raw ? csvField : safeCsvText
  return `${text(productId)},${m.rank},${text(m.customer_id)},${m.score},${m.interactions},${m.distinct_products},${m.last_seen},${text(m.reason)}\r\n`
}

/** Every answer as CSV, row by row through `write`. */
export function writeAudienceCsv(answers: Iterable<AnswerStream>, write: (chunk: string) => void, raw = false): number {
  write(audienceCsvHeader())
  let rows = 0
  for (const a of answers) {
    for (let i = 0; i < a.count; i++) write(audienceCsvRow(a.head.product_id, a.member(i), raw))
    rows += a.count
  }
  return rows
}

/**
 * Answers as pretty JSON (two-space indent, as --json prints), streamed member by member so a huge
 * audience never sits in memory as one string. One answer is an object; several are {"audiences": […]}.
 */
export function writeAudienceJson(answers: AnswerStream[], write: (chunk: string) => void): void {
  const several = answers.length !== 1
  const pad = several ? '    ' : '  '
  if (several) write('{\n  "audiences": [\n')
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
  const name = a.product_name ? ` (${a.product_name})` : ''
  const title = `${paint.bold(`Audience for product ${a.product_id}`)}${name}: top ${a.count}, ranked by ${a.ranking}`
  const note = a.note ? `\n${paint.yellow(`Note: ${a.note}`)}` : ''
  const rows = a.recommendations.map((m) => [m.rank, m.customer_id, num(m.score, 4), int(m.interactions), int(m.distinct_products), m.last_seen, m.reason])
  return `${title}${note}\n${table(['rank', 'customer_id', 'score', 'interactions', 'products', 'last seen', 'why'], rows, ['right', 'left', 'right', 'right', 'right', 'left', 'left'])}`
}
