// Medians, per-round ratios and spreads: every table's numbers.
export const median = (xs) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
/** Per-round ratios of `a` over `b` (the rounds interleave, so each pair ran side by side). */
export const ratios = (a, b, field) => (a && b ? a.map((r, i) => r[field] / b[i]?.[field]) : []);
export const spread = (xs) => {
  const s = xs.filter(Number.isFinite);
  return s.length === 0 ? 'n/a' : `${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}`;
};
