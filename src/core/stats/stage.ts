import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {recordRun} from '../store/runs.js'
import {explore, type ExploreOptions, type ExploreReport} from './explore.js'

/** `recsys explore`: computes the report and records it as a stage run (its stored result). */
export function runExplore(db: Db, options: ExploreOptions = {}): ExploreReport & {elapsedMs: number} {
  const started = Date.now()
  const data = loadDataset(db)
  const report = explore(data, options)
  const elapsedMs = Date.now() - started
  db.transaction(() => {
    recordRun(db, {stage: 'explore', datasetVersion: data.version, params: options, startedAtMs: started, summary: report})
  })()
  return {...report, elapsedMs}
}
