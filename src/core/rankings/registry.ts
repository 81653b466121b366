import {RecsysError} from '../errors.js'
import {type AlsFactors, alsModel} from './als.js'
import {type ContentOptions, fitContent} from './content.js'
import type {RankingData, RankingModel, RankingName} from './contract.js'
import {type CooccurrenceOptions, fitCooccurrence} from './cooccurrence.js'
import {fitEngagement, fitMostActive, fitMostRecent, fitRecencyRule} from './global.js'
import {fitHybrid, type HybridWeights} from './hybrid.js'

/** Everything a fit may need, and the models fit so far on this data (hybrid reuses its parts). */
export interface FitContext {
  data: RankingData
  cooccurrence?: CooccurrenceOptions
  content?: ContentOptions
  hybridWeights?: HybridWeights
  als?: AlsFactors
  fitted?: Partial<Record<RankingName, RankingModel>>
}

/** Fits (or returns the already fitted) ranking `name` on the context's data. */
export function fitRanking(name: RankingName, ctx: FitContext): RankingModel {
  ctx.fitted ??= {}
  const done = ctx.fitted[name]
  if (done) return done
  let model: RankingModel
  switch (name) {
    case 'engagement':
      model = fitEngagement(ctx.data)
      break
    case 'most-recent':
      model = fitMostRecent(ctx.data)
      break
    case 'most-active':
      model = fitMostActive(ctx.data)
      break
    case 'recency-rule':
      model = fitRecencyRule(ctx.data)
      break
    case 'cooccurrence':
      model = fitCooccurrence(ctx.data, ctx.cooccurrence)
      break
    case 'content':
      model = fitContent(ctx.data, ctx.content)
      break
    case 'hybrid':
      model = fitHybrid(ctx.data, fitRanking('cooccurrence', ctx), fitRanking('content', ctx), ctx.hybridWeights ?? {cooccurrence: 0.5, content: 0.4, prior: 0.1})
      break
    case 'als':
      if (!ctx.als) throw new RecsysError('MISSING_STAGE', 'the als ranking needs factors, and none are stored for this data', 'Run `recsys cf-attempt` first (it stores its factors), then train again.')
      model = alsModel(ctx.data, ctx.als)
      break
  }
  ctx.fitted[name] = model
  return model
}
