import { floor, imul } from './numbers';

/**
 * Seeded pseudo-random numbers, so the same seed always yields the same database. A 32-bit
 * multiply-xorshift generator: fast, tiny state, and good enough for test data (not for secrets).
 */
export class Rng {
  private readonly state = new Uint32Array(1);

  constructor(seed: number | string) {
    this.state[0] = typeof seed === 'number' ? seed >>> 0 : fnv1a(seed);
    if (this.state[0] === 0) this.state[0] = 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t0 = (this.state[0]! + 0x6d2b79f5) >>> 0;
    this.state[0] = t0;
    let t = t0;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)]!;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: readonly (readonly [K, number])[]): K {
    let total = 0;
    for (const [, w] of weights) total += w;
    let r = this.next() * total;
    for (const [k, w] of weights) {
      r -= w;
      if (r < 0) return k;
    }
    return weights[weights.length - 1]![0];
  }

  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += `${floor(this.next() * 10)}`;
    return s;
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
