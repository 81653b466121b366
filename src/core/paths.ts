import {fileURLToPath} from 'node:url'

/** The fixture shipped with recsys (reference-shaped, made by `recsys generate --rows 20000 --seed 42`). */
export const BUNDLED_FIXTURE = fileURLToPath(new URL('../../fixtures/interactions.csv', import.meta.url))
