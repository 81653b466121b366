import type {Dataset} from '../../src/core/store/dataset.js'

/** A dataset from [user, product] rows (time = row index, seconds; one event type, "cart"). */
export function datasetOf(rows: Array<[number, number]>, nUsers?: number, nProducts?: number): Dataset {
  return {
    version: 1,
    nRows: rows.length,
    nUsers: nUsers ?? Math.max(...rows.map((r) => r[0])) + 1,
    nProducts: nProducts ?? Math.max(...rows.map((r) => r[1])) + 1,
    userKey: Int32Array.from(rows, (r) => r[0]),
    productKey: Int32Array.from(rows, (r) => r[1]),
    eventKey: new Uint16Array(rows.length),
    tsMs: Float64Array.from(rows, (_, i) => Date.UTC(2023, 0, 1) + i * 1000),
    eventNames: ['cart'],
    firstTsMs: Date.UTC(2023, 0, 1),
    lastTsMs: Date.UTC(2023, 0, 1) + (rows.length - 1) * 1000,
  }
}
