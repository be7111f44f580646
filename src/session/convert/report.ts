/** One kind of information a conversion dropped or could not know, with how many items it hit. */
export interface LostItem {
  what: string;
  count: number;
  detail?: string;
}

/** What a conversion lost (the target cannot hold it) or could not know (the source lacks it). */
export interface ConversionReport {
  lost: LostItem[];
  /** What an import worked out that the input does not state: header rules read from stored tokens. */
  derived?: string[];
}

export interface Conversion<T> {
  result: T;
  report: ConversionReport;
}

/** Collects losses; items with the same `what` add up, zero counts are left out. */
export class LossCollector {
  private readonly items = new Map<string, LostItem>();

  add(what: string, count: number, detail?: string): this {
    if (count <= 0) return this;
    const existing = this.items.get(what);
    if (existing) existing.count += count;
    else this.items.set(what, detail === undefined ? { what, count } : { what, count, detail });
    return this;
  }

  report(): ConversionReport {
    return { lost: [...this.items.values()] };
  }
}
