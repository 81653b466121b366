/**
 * Published statistics of the reference marketplace log (500,000 rows), which the generator
 * reproduces at any size. Shares are of users, products or events as named.
 */
export const REFERENCE = {
  usersPerRow: 433_800 / 500_000,
  productsPerRow: 200_300 / 500_000,
  oneTimeUserShare: 0.888,
  /** Users active before the 80% time quantile who are also active after it. */
  retention: 0.0305,
  /** Products active after the 80% time quantile that were not active before it. */
  newProductShare: 0.57,
  /** Products active before the split, of all products (166,000 of 200,300 in the reference). */
  earlyProductShare: 166_000 / 200_300,
  splitQuantile: 0.8,
  eventMix: [
    ['cart', 0.61],
    ['purchased', 0.333],
    ['wishlist', 0.0445],
    ['search_keyword', 0.0064],
    ['rating', 0.0062],
  ] as ReadonlyArray<readonly [string, number]>,
  startMs: Date.UTC(2022, 9, 1),
  endMs: Date.UTC(2023, 2, 31, 23, 59, 59),
} as const

/** Dirt injected per row of output, so `prepare` has something real to clean. */
export const DIRT = {
  duplicateShare: 0.003,
  nullUserIdShare: 0.0004,
  nullProductIdShare: 0.0002,
  invalidUserIdShare: 0.0002,
  invalidProductIdShare: 0.0001,
  badTimestampShare: 0.0004,
}

export function botCountFor(rows: number): number {
  if (rows >= 200_000) return 3
  if (rows >= 50_000) return 2
  if (rows >= 10_000) return 1
  return 0
}
