import {createReadStream, statSync} from 'node:fs'
import type {Readable} from 'node:stream'
import Papa from 'papaparse'

import {RecsysError} from '../errors.js'

export type CsvSource = {kind: 'file'; path: string} | {kind: 'stdin'; stream?: Readable}

export interface CsvHeader {
  names: string[]
  delimiter: string
  line: number
}

export interface CsvReadStats {
  rows: number
  blankLines: number
  bytesRead: number
  lines: number
}

export interface CsvReadCallbacks {
  /** Called once with the header row; return false to stop reading. */
  onHeader(header: CsvHeader): void
  /** Called for every non-blank data row; `line` is the physical line the row starts on. */
  onRow(fields: string[], line: number): void
  onProgress?(stats: CsvReadStats): void
}

export function sourceLabel(source: CsvSource): string {
  return source.kind === 'file' ? source.path : 'stdin'
}

export function sourceSizeBytes(source: CsvSource): number | undefined {
  if (source.kind !== 'file') return undefined
  try {
    return statSync(source.path).size
  } catch {
    return undefined
  }
}

function openSource(source: CsvSource): Readable {
  if (source.kind === 'stdin') return source.stream ?? process.stdin
  let size: number
  try {
    const stat = statSync(source.path)
    if (stat.isDirectory()) {
      throw new RecsysError('FILE_NOT_FOUND', `${source.path} is a directory, not a CSV file`, 'Pass the path of a CSV file.')
    }
    size = stat.size
  } catch (error) {
    if (error instanceof RecsysError) throw error
    throw new RecsysError('FILE_NOT_FOUND', `cannot read ${source.path}: no such file`, 'Check the path, or pass - to read the CSV from stdin.')
  }
  if (size === 0) throw new RecsysError('EMPTY_INPUT', `${source.path} is empty`, 'Pass a CSV file with a header row and data rows.')
  return createReadStream(source.path, {highWaterMark: 1 << 20})
}

function countNewlines(fields: string[]): number {
  let extra = 0
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    if (f.length > 0 && f.indexOf('\n') !== -1) {
      for (let j = 0; j < f.length; j++) if (f.charCodeAt(j) === 10) extra++
    }
  }
  return extra
}

/**
 * Streams a delimited file through papaparse without ever holding the whole file as one string.
 * The delimiter is detected from the first chunk unless given; a UTF-8 BOM is dropped; blank lines
 * are counted and skipped. Rows come out as papaparse's field arrays with their physical line number.
 */
export function readCsv(source: CsvSource, callbacks: CsvReadCallbacks, options: {delimiter?: string} = {}): Promise<CsvReadStats> {
  const stream = openSource(source)
  stream.setEncoding('utf8')
  const stats: CsvReadStats = {rows: 0, blankLines: 0, bytesRead: 0, lines: 0}
  let line = 1
  let header: CsvHeader | undefined
  let failure: unknown
  stream.on('data', (chunk: string | Buffer) => {
    stats.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
  })

  return new Promise((resolve, reject) => {
    stream.on('error', (error) => {
      failure = failure ?? new RecsysError('FILE_NOT_FOUND', `cannot read ${sourceLabel(source)}: ${error.message}`, 'Check the path and its permissions.')
    })
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter: options.delimiter ?? '',
      header: false,
      skipEmptyLines: false,
      dynamicTyping: false,
      chunk(results, parser) {
        if (failure) return
        try {
          const rows = results.data
          const delimiter = results.meta.delimiter
          for (let r = 0; r < rows.length; r++) {
            const fields = rows[r]
            const rowLine = line
            line += 1 + countNewlines(fields)
            if (fields.length === 1 && fields[0].trim() === '') {
              if (header) stats.blankLines++
              continue
            }
            if (!header) {
              const names = fields.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim())
              header = {names, delimiter, line: rowLine}
              callbacks.onHeader(header)
              continue
            }
            stats.rows++
            callbacks.onRow(fields, rowLine)
          }
          stats.lines = line - 1
          callbacks.onProgress?.(stats)
        } catch (error) {
          failure = error
          parser.abort()
          stream.destroy()
        }
      },
      complete() {
        if (failure) return reject(failure)
        stats.lines = line - 1
        if (!header) {
          return reject(new RecsysError('EMPTY_INPUT', `${sourceLabel(source)} is empty`, 'Pass a CSV file with a header row and data rows.'))
        }
        resolve(stats)
      },
      error(error: Error) {
        reject(failure ?? new RecsysError('BAD_DATA', `cannot parse ${sourceLabel(source)}: ${error.message}`, 'Check that the file is delimited text (CSV/TSV).'))
      },
    })
  })
}
