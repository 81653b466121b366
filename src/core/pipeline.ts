import {runTrain, type TrainOptions, type TrainReport} from './audience/train.js'
import {runFeatures} from './engagement/stage.js'
import type {FeaturesReport} from './engagement/stage.js'
import type {EngagementOptions} from './engagement/score.js'
import {isRecsysError, RecsysError} from './errors.js'
import {type PrepareOptions, type PrepareReport, prepareDataset} from './ingest/prepare.js'
import type {ExploreReport} from './stats/explore.js'
import {runExplore} from './stats/stage.js'
import type {Db} from './store/open.js'

export type PipelineStage = 'prepare' | 'explore' | 'features' | 'cf-attempt' | 'train'

export interface StageOutcome {
  stage: PipelineStage
  elapsedMs: number
  headline: string
}

export interface PipelineReport {
  stages: StageOutcome[]
  prepare: PrepareReport
  explore: ExploreReport
  cf: unknown
  features: FeaturesReport
  train: TrainReport
  /** A few product ids with audiences, to try `recommend` on. */
  sampleProductIds: string[]
  elapsedMs: number
}

export interface PipelineOptions {
  prepare: PrepareOptions
  split?: number
  features?: EngagementOptions
  train?: TrainOptions
  /** The collaborative-filtering attempt, when wanted (left out with --skip-cf). */
  cfAttempt?: (db: Db) => Promise<{headline: string; report: unknown}>
  onStage?: (stage: PipelineStage) => void
}

/**
 * prepare → explore → features → cf-attempt → train, each its own transaction; the first failure
 * stops the run with an error naming the stage, and earlier stages' results stay stored.
 */
export async function runPipeline(db: Db, options: PipelineOptions): Promise<PipelineReport> {
  const started = Date.now()
  const stages: StageOutcome[] = []
  const step = async <T>(stage: PipelineStage, fn: () => T | Promise<T>, headline: (r: T) => string): Promise<T> => {
    options.onStage?.(stage)
    const t = Date.now()
    try {
      const result = await fn()
      stages.push({stage, elapsedMs: Date.now() - t, headline: headline(result)})
      return result
    } catch (error) {
      if (isRecsysError(error)) throw new RecsysError(error.code, `pipeline stage ${stage} failed: ${error.message}`, error.hint, error.exitCode)
      throw new RecsysError('UNEXPECTED', `pipeline stage ${stage} failed: ${(error as Error).message}`, 'This looks like a bug in recsys; rerun with DEBUG=recsys to see the stack.')
    }
  }
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
  const prepare = await step('prepare', () => prepareDataset(db, options.prepare), (r) => `${r.rowsKept.toLocaleString('en-US')} rows kept of ${r.rowsRead.toLocaleString('en-US')}; ${r.users.toLocaleString('en-US')} users, ${r.products.toLocaleString('en-US')} products`)
  const explore = await step('explore', () => runExplore(db, {split: options.split}), (r) => `retention ${pct(r.split.retention)}, one-time users ${pct(r.users.oneTimeShare)}, new products ${pct(r.split.newProductShare)}: CF ${r.verdict.cfViable ? 'viable' : 'not viable'}`)
  // Features first, so cf-attempt weighs ALS against engagement too.
  const features = await step('features', () => runFeatures(db, options.features), (r) => `${r.users.toLocaleString('en-US')} users scored, median engagement ${r.distribution.p50.toFixed(3)}`)
  let cf: unknown = null
  if (options.cfAttempt) {
    const attempt = options.cfAttempt
    cf = (await step('cf-attempt', () => attempt(db), (r) => r.headline)).report
  }
  const train = await step('train', () => runTrain(db, {...options.train, split: options.split}), (r) => {
    const e = r.evaluation
    const ndcg = (name: string): string => (e?.rankers.find((x) => x.name === name)?.ndcg.mean ?? 0).toFixed(4)
    const measured = e ? `; NDCG@10 ${r.ranker.shipped} ${ndcg(r.ranker.shipped)} vs engagement ${ndcg('engagement')}` : ''
    return `shipped ${r.ranker.shipped}${measured}; ${r.products.total.toLocaleString('en-US')} audiences of ${r.params.topN} reach ${r.reach.distinctUsers.toLocaleString('en-US')} users`
  })
  const sampleProductIds = db.prepare('SELECT product_id FROM products WHERE product_key < ? ORDER BY product_key LIMIT 3').pluck().all(train.meta.nData) as string[]
  return {stages, prepare, explore, cf, features, train, sampleProductIds, elapsedMs: Date.now() - started}
}
