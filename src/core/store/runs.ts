import {RecsysError} from '../errors.js'
import type {Db} from './open.js'

export type StageName = 'prepare' | 'explore' | 'features' | 'train' | 'cf-attempt'

export interface RunRecord<S = unknown> {
  runId: number
  stage: StageName
  datasetVersion: number | null
  params: Record<string, unknown>
  startedAt: string
  finishedAt: string
  elapsedMs: number
  summary: S
  inputs: Partial<Record<StageName, number>>
}

interface RunRow {
  run_id: number
  stage: StageName
  dataset_version: number | null
  params: string
  started_at: string
  finished_at: string
  elapsed_ms: number
  summary: string
  inputs: string
}

function fromRow<S>(row: RunRow): RunRecord<S> {
  return {
    runId: row.run_id,
    stage: row.stage,
    datasetVersion: row.dataset_version,
    params: JSON.parse(row.params),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    elapsedMs: row.elapsed_ms,
    summary: JSON.parse(row.summary) as S,
    inputs: JSON.parse(row.inputs),
  }
}

export interface NewRun {
  stage: StageName
  datasetVersion: number | null
  params: object
  startedAtMs: number
  summary: object
  inputs?: Partial<Record<StageName, number>>
}

/** Records a finished stage run; call it inside the stage's write transaction. */
export function recordRun(db: Db, run: NewRun): number {
  const finished = Date.now()
  const info = db
    .prepare('INSERT INTO runs (stage, dataset_version, params, started_at, finished_at, elapsed_ms, summary, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(
      run.stage,
      run.datasetVersion,
      JSON.stringify(run.params),
      new Date(run.startedAtMs).toISOString(),
      new Date(finished).toISOString(),
      finished - run.startedAtMs,
      JSON.stringify(run.summary),
      JSON.stringify(run.inputs ?? {}),
    )
  return Number(info.lastInsertRowid)
}

export function latestRun<S = unknown>(db: Db, stage: StageName): RunRecord<S> | undefined {
  const row = db.prepare('SELECT * FROM runs WHERE stage = ? ORDER BY run_id DESC LIMIT 1').get(stage) as RunRow | undefined
  return row ? fromRow<S>(row) : undefined
}

export function currentDatasetVersion(db: Db): number | undefined {
  const row = db.prepare('SELECT max(version) AS v FROM datasets').get() as {v: number | null}
  return row.v ?? undefined
}

/** The command that fills each stage's results, for "run X first" hints. */
export const STAGE_COMMAND: Record<StageName, string> = {
  prepare: 'recsys prepare FILE',
  explore: 'recsys explore',
  features: 'recsys features',
  train: 'recsys train',
  'cf-attempt': 'recsys cf-attempt',
}

/** The current dataset version, or a "run prepare first" error. */
export function requireDataset(db: Db): number {
  const version = currentDatasetVersion(db)
  if (version === undefined) {
    throw new RecsysError('MISSING_STAGE', 'the store holds no prepared data', `Run \`${STAGE_COMMAND.prepare}\` first.`)
  }
  return version
}

/**
 * The latest run of `stage`, checked to be built from the current dataset and from the latest
 * runs of the stages it read. Missing: "run X first"; outdated: "results are stale".
 */
export function requireFreshRun<S = unknown>(db: Db, stage: StageName): RunRecord<S> {
  const version = requireDataset(db)
  const run = latestRun<S>(db, stage)
  if (!run) {
    throw new RecsysError('MISSING_STAGE', `\`${stage}\` has not run on this store`, `Run \`${STAGE_COMMAND[stage]}\` first.`)
  }
  if (run.datasetVersion !== version) {
    throw new RecsysError(
      'STALE_STAGE',
      `the results of \`${stage}\` are stale: the data was prepared again since (dataset v${version}, ${stage} ran on v${run.datasetVersion})`,
      `Run \`${STAGE_COMMAND[stage]}\` again.`,
    )
  }
  for (const [input, runId] of Object.entries(run.inputs) as Array<[StageName, number]>) {
    const latest = latestRun(db, input)
    if (latest && latest.runId !== runId && !sameResults(db, runId, latest.runId)) {
      throw new RecsysError(
        'STALE_STAGE',
        `the results of \`${stage}\` are stale: \`${input}\` ran again since`,
        `Run \`${STAGE_COMMAND[stage]}\` again.`,
      )
    }
  }
  return run
}

/**
 * Two runs of a stage with the same parameters on the same dataset give the same results (every
 * stage is deterministic), so a later stage built on the first is not stale after the second:
 * `features --out users.csv` again does not make `train` run again.
 */
function sameResults(db: Db, a: number, b: number): boolean {
  const rows = db.prepare('SELECT params, dataset_version FROM runs WHERE run_id IN (?, ?)').all(a, b) as Array<{params: string; dataset_version: number | null}>
  return rows.length === 2 && rows[0].params === rows[1].params && rows[0].dataset_version === rows[1].dataset_version
}
