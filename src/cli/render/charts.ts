const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/** A one-line sparkline; long series are averaged into `width` cells. */
export function sparkline(values: number[], width = 60): string {
  if (values.length === 0) return ''
  const cells = Math.min(width, values.length)
  const folded: number[] = []
  for (let c = 0; c < cells; c++) {
    const from = Math.floor((c * values.length) / cells)
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / cells))
    let s = 0
    for (let i = from; i < to; i++) s += values[i]
    folded.push(s / (to - from))
  }
  const max = Math.max(...folded)
  const min = Math.min(...folded)
  return folded.map((v) => BLOCKS[max > min ? Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1)) : 0]).join('')
}

/** A horizontal bar whose length is log-scaled, so a long tail stays visible beside a big head. */
export function logBar(value: number, max: number, width = 40): string {
  if (value <= 0 || max <= 0) return ''
  const len = Math.max(1, Math.round((Math.log10(value + 1) / Math.log10(max + 1)) * width))
  return '█'.repeat(len)
}
