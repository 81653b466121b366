/**
 * Implicit-feedback ALS kernels (Hu, Koren & Volinsky 2008), over CSR rows and flat Float64Array
 * factor matrices (row u of X is X[u·f .. u·f+f)). No object per row; the caller checks inputs.
 *
 * For a row u with observed columns N(u), confidence c_ui = 1 + α·r_ui, preference p_ui = 1:
 *   x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ · Yᵀ C_u p_u
 * i.e. A = YᵀY + λI + Σ_{i∈N(u)} (c_ui − 1)·y_i y_iᵀ and b = Σ_{i∈N(u)} c_ui·y_i.
 * `conf` holds c_ui − 1 = α·r_ui per stored entry.
 */

export interface ConfidenceCsr {
  nRows: number
  offsets: Int32Array
  cols: Int32Array
  /** c − 1 for each entry. */
  conf: Float64Array
}

/** Rows per Gram chunk: partial sums are taken per chunk and added in chunk order. */
export const GRAM_CHUNK = 4096

/**
 * YᵀY (f×f, row-major) of the first n rows of Y, summed chunk by chunk in a fixed order, so the
 * result is bit-identical however the chunks are shared out among threads.
 */
export function _gram(Y: Float64Array, n: number, f: number): Float64Array {
  const chunks = Math.ceil(n / GRAM_CHUNK)
  const partials = new Float64Array(chunks * f * f)
  _gramChunks(Y, n, f, 0, chunks, partials)
  return _sumChunks(partials, chunks, f)
}

/** Partial Gram of each chunk c in [fromChunk, toChunk) into partials[c·f² …]. */
export function _gramChunks(Y: Float64Array, n: number, f: number, fromChunk: number, toChunk: number, partials: Float64Array): void {
  for (let c = fromChunk; c < toChunk; c++) {
    const G = partials.subarray(c * f * f, (c + 1) * f * f)
    G.fill(0)
    _gramRange(Y, c * GRAM_CHUNK, Math.min(n, (c + 1) * GRAM_CHUNK), f, G)
  }
}

export function _sumChunks(partials: Float64Array, chunks: number, f: number): Float64Array {
  const G = new Float64Array(f * f)
  for (let c = 0; c < chunks; c++) {
    const o = c * f * f
    for (let j = 0; j < G.length; j++) G[j] += partials[o + j]
  }
  return G
}

/**
 * Adds Σ y_i y_iᵀ over rows [from, to) of Y into G (full symmetric f×f). Four rows per pass, so
 * each upper-triangle cell of G is read and written once per four rows.
 */
export function _gramRange(Y: Float64Array, from: number, to: number, f: number, G: Float64Array): void {
  let i = from
  for (; i + 4 <= to; i += 4) {
    const o0 = i * f
    const o1 = o0 + f
    const o2 = o1 + f
    const o3 = o2 + f
    for (let a = 0; a < f; a++) {
      const y0 = Y[o0 + a]
      const y1 = Y[o1 + a]
      const y2 = Y[o2 + a]
      const y3 = Y[o3 + a]
      if (y0 === 0 && y1 === 0 && y2 === 0 && y3 === 0) continue
      const row = a * f
      for (let b = a; b < f; b++) G[row + b] += y0 * Y[o0 + b] + y1 * Y[o1 + b] + y2 * Y[o2 + b] + y3 * Y[o3 + b]
    }
  }
  for (; i < to; i++) {
    const o = i * f
    for (let a = 0; a < f; a++) {
      const ya = Y[o + a]
      if (ya === 0) continue
      const row = a * f
      for (let b = a; b < f; b++) G[row + b] += ya * Y[o + b]
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) G[a * f + b] = G[b * f + a]
}

/**
 * Memo for one-entry rows: M⁻¹y_i and y_iᵀM⁻¹y_i depend only on the fixed-side row i, and many
 * one-interaction users share an item. `stamp[i] === tag` marks a value computed with the current
 * M⁻¹ (the caller changes `tag` every half-iteration).
 */
export interface ShermanMorrisonMemo {
  vectors: Float64Array
  quad: Float64Array
  stamp: Int32Array
  tag: number
}

/**
 * Conjugate gradient (Takács et al. 2011): `steps` CG iterations per row, warm-started from the
 * current X[u], computing A·p as YᵀY·p + λp + Σ (c−1)(y_i·p) y_i without forming A.
 * `regScale[u]` multiplies λ (1, or |N(u)| for weighted regularisation).
 */
export function _solveRowsCG(
  X: Float64Array,
  Y: Float64Array,
  YtY: Float64Array,
  m: ConfidenceCsr,
  f: number,
  lambda: number,
  weighted: boolean,
  steps: number,
  from: number,
  to: number,
  /** (YᵀY + λI)⁻¹, row-major: rows with one entry are then solved exactly by Sherman–Morrison. */
  Minv?: Float64Array,
  memo?: ShermanMorrisonMemo,
): void {
  const r = new Float64Array(f)
  const p = new Float64Array(f)
  const Ap = new Float64Array(f)
  for (let u = from; u < to; u++) {
    const start = m.offsets[u]
    const end = m.offsets[u + 1]
    const xo = u * f
    if (start === end) {
      for (let a = 0; a < f; a++) X[xo + a] = 0
      continue
    }
    if (Minv && end - start === 1) {
      // A = M + c1·y yᵀ with M = YᵀY + λI, b = (1 + c1)·y:
      // x = A⁻¹b = (1 + c1)·M⁻¹y / (1 + c1·yᵀM⁻¹y)   (Sherman–Morrison; one matvec, exact).
      const item = m.cols[start]
      const yo = item * f
      const c1 = m.conf[start]
      let d = 0
      if (memo && memo.stamp[item] === memo.tag) {
        d = memo.quad[item]
        for (let a = 0; a < f; a++) p[a] = memo.vectors[yo + a]
      } else {
        for (let a = 0; a < f; a++) {
          let s = 0
          const row = a * f
          for (let b = 0; b < f; b++) s += Minv[row + b] * Y[yo + b]
          p[a] = s
          d += Y[yo + a] * s
        }
        if (memo) {
          for (let a = 0; a < f; a++) memo.vectors[yo + a] = p[a]
          memo.quad[item] = d
          memo.stamp[item] = memo.tag
        }
      }
      const scale = (1 + c1) / (1 + c1 * d)
      for (let a = 0; a < f; a++) X[xo + a] = scale * p[a]
      continue
    }
    const reg = weighted ? lambda * (end - start) : lambda
    // r = b − A·x, with b = Σ c·y_i.
    for (let a = 0; a < f; a++) {
      let s = 0
      const row = a * f
      for (let b = 0; b < f; b++) s += YtY[row + b] * X[xo + b]
      r[a] = -s - reg * X[xo + a]
    }
    for (let j = start; j < end; j++) {
      const yo = m.cols[j] * f
      const c1 = m.conf[j]
      let dot = 0
      for (let a = 0; a < f; a++) dot += Y[yo + a] * X[xo + a]
      const w = 1 + c1 - c1 * dot
      for (let a = 0; a < f; a++) r[a] += w * Y[yo + a]
    }
    let rsOld = 0
    for (let a = 0; a < f; a++) {
      p[a] = r[a]
      rsOld += r[a] * r[a]
    }
    for (let it = 0; it < steps && rsOld > 1e-20; it++) {
      for (let a = 0; a < f; a++) {
        let s = 0
        const row = a * f
        for (let b = 0; b < f; b++) s += YtY[row + b] * p[b]
        Ap[a] = s + reg * p[a]
      }
      for (let j = start; j < end; j++) {
        const yo = m.cols[j] * f
        let dot = 0
        for (let a = 0; a < f; a++) dot += Y[yo + a] * p[a]
        const w = m.conf[j] * dot
        for (let a = 0; a < f; a++) Ap[a] += w * Y[yo + a]
      }
      let pAp = 0
      for (let a = 0; a < f; a++) pAp += p[a] * Ap[a]
      if (pAp <= 0) break
      const alpha = rsOld / pAp
      let rsNew = 0
      for (let a = 0; a < f; a++) {
        X[xo + a] += alpha * p[a]
        r[a] -= alpha * Ap[a]
        rsNew += r[a] * r[a]
      }
      const beta = rsNew / rsOld
      for (let a = 0; a < f; a++) p[a] = r[a] + beta * p[a]
      rsOld = rsNew
    }
  }
}

/**
 * The exact solve: form A and b for each row and solve by Cholesky (A is symmetric positive
 * definite for λ > 0). `choleskySolve(A, b, f)` writes the solution into b.
 */
export function _solveRowsExact(
  X: Float64Array,
  Y: Float64Array,
  YtY: Float64Array,
  m: ConfidenceCsr,
  f: number,
  lambda: number,
  weighted: boolean,
  from: number,
  to: number,
  choleskySolve: (A: Float64Array, b: Float64Array, f: number) => void,
): void {
  const A = new Float64Array(f * f)
  const b = new Float64Array(f)
  for (let u = from; u < to; u++) {
    const start = m.offsets[u]
    const end = m.offsets[u + 1]
    const xo = u * f
    if (start === end) {
      for (let a = 0; a < f; a++) X[xo + a] = 0
      continue
    }
    const reg = weighted ? lambda * (end - start) : lambda
    A.set(YtY)
    for (let a = 0; a < f; a++) A[a * f + a] += reg
    b.fill(0)
    for (let j = start; j < end; j++) {
      const yo = m.cols[j] * f
      const c1 = m.conf[j]
      for (let a = 0; a < f; a++) {
        const ya = Y[yo + a]
        b[a] += (1 + c1) * ya
        const row = a * f
        for (let bb = 0; bb < f; bb++) A[row + bb] += c1 * ya * Y[yo + bb]
      }
    }
    choleskySolve(A, b, f)
    for (let a = 0; a < f; a++) X[xo + a] = b[a]
  }
}

/**
 * Training loss Σ_u Σ_i c_ui (p_ui − x_u·y_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²) (with weighted
 * regularisation, each norm scaled by its row's count), computed as
 * Σ_u [x_uᵀ(YᵀY)x_u + Σ_{i∈N(u)} (c_ui (1 − s)² − s²)] with s = x_u·y_i: no dense pass.
 */
export function _loss(X: Float64Array, Y: Float64Array, YtY: Float64Array, users: ConfidenceCsr, items: ConfidenceCsr, f: number, lambda: number, weighted: boolean): number {
  let total = 0
  const tmp = new Float64Array(f)
  for (let u = 0; u < users.nRows; u++) {
    const xo = u * f
    const start = users.offsets[u]
    const end = users.offsets[u + 1]
    let quad = 0
    let norm = 0
    for (let a = 0; a < f; a++) {
      let s = 0
      const row = a * f
      for (let b = 0; b < f; b++) s += YtY[row + b] * X[xo + b]
      tmp[a] = s
      quad += s * X[xo + a]
      norm += X[xo + a] * X[xo + a]
    }
    total += quad
    for (let j = start; j < end; j++) {
      const yo = users.cols[j] * f
      let s = 0
      for (let a = 0; a < f; a++) s += X[xo + a] * Y[yo + a]
      const c = 1 + users.conf[j]
      total += c * (1 - s) * (1 - s) - s * s
    }
    total += lambda * (weighted ? end - start : 1) * norm
  }
  for (let i = 0; i < items.nRows; i++) {
    let norm = 0
    const yo = i * f
    for (let a = 0; a < f; a++) norm += Y[yo + a] * Y[yo + a]
    total += lambda * (weighted ? items.offsets[i + 1] - items.offsets[i] : 1) * norm
  }
  return total
}

/** Scores x_u·y_p for the listed users into `out` (a dense dot-product pass). */
export function _scoreUsers(X: Float64Array | Float32Array, Y: Float64Array | Float32Array, f: number, product: number, users: Int32Array, out: Float64Array): void {
  const yo = product * f
  for (let k = 0; k < users.length; k++) {
    const xo = users[k] * f
    let s = 0
    for (let a = 0; a < f; a++) s += X[xo + a] * Y[yo + a]
    out[k] = s
  }
}
