import type { LogEntry } from './forward.js';

/**
 * One line per request for stderr: `GET /api/me → 200 12 ms` with `refreshed` when a refresh ran
 * for it and the gateway's reason when it answered itself. The path has no query string (it can
 * hold a secret); no header or body is ever logged.
 *
 * @example
 * ```ts
 * formatLogLine(entry, false); // 'GET https://app.example/api/me → 200 12 ms refreshed\n'
 * ```
 */
export function formatLogLine(entry: LogEntry, json: boolean): string {
  if (json) return `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`;
  const parts = [`${entry.method} ${entry.target}${entry.path} → ${entry.status} ${entry.ms} ms`];
  if (entry.refreshed) parts.push('refreshed');
  if (entry.error) parts.push(`(${entry.error})`);
  return `${parts.join(' ')}\n`;
}
