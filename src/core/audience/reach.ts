/** How widely a set of audiences spreads over the users: what a marketer's frequency worries are about. */
export interface Reach {
  /** Audience slots filled, over all products. */
  slots: number
  /** Distinct users in any audience. */
  distinctUsers: number
  /** The most audiences one user is in. */
  maxAudiencesPerUser: number
  /** Share of all slots held by the top 1% of reached users (at least one user), by audiences joined. */
  top1PercentShare: number
}

/** Counts audience memberships per user, audience by audience, with no object per user. */
export class ReachCounter {
  private readonly count: Int32Array
  private slots = 0
  private distinct = 0

  constructor(nUsers: number) {
    this.count = new Int32Array(nUsers)
  }

  add(users: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.count[users[i]]++ === 0) this.distinct++
    }
    this.slots += n
  }

  result(): Reach {
    if (this.slots === 0) return {slots: 0, distinctUsers: 0, maxAudiencesPerUser: 0, top1PercentShare: 0}
    const reached = new Int32Array(this.distinct)
    let w = 0
    let max = 0
    for (let u = 0; u < this.count.length; u++) {
      const c = this.count[u]
      if (c === 0) continue
      reached[w++] = c
      if (c > max) max = c
    }
    reached.sort()
    const top = Math.max(1, Math.ceil(this.distinct / 100))
    let held = 0
    for (let i = reached.length - top; i < reached.length; i++) held += reached[i]
    return {slots: this.slots, distinctUsers: this.distinct, maxAudiencesPerUser: max, top1PercentShare: held / this.slots}
  }
}
