import type { LogEntry } from './forward.js';

// The time of the last JSON line, kept per millisecond: under load many lines share it, and
// toISOString plus a spread and a whole-object stringify cost more than the rest of the line.
let lastMs = -1;
let lastIso = '';

/**
 * One line per request for stderr: `GET /api/me → 200 12 ms` with `refreshed` when a refresh
 * succeeded for it (it was sent with the fresh session) and the gateway's reason when it answered
 * itself. The path has no query string (it can
 * hold a secret); no header or body is ever logged.
 *
 * @example
 * ```ts
 * formatLogLine(entry, false); // 'GET https://app.example/api/me → 200 12 ms refreshed\n'
 * ```
 */
export function formatLogLine(entry: LogEntry, json: boolean): string {
  if (json) {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    const error = entry.error === undefined ? '' : `,"error":${JSON.stringify(entry.error)}`;
    return `{"time":"${lastIso}","method":${JSON.stringify(entry.method)},"path":${JSON.stringify(entry.path)},"target":${JSON.stringify(entry.target)},"status":${entry.status},"ms":${entry.ms},"refreshed":${entry.refreshed}${error}}\n`;
  }
  const refreshed = entry.refreshed ? ' refreshed' : '';
  const error = entry.error ? ` (${entry.error})` : '';
  return `${entry.method} ${entry.target}${entry.path} → ${entry.status} ${entry.ms} ms${refreshed}${error}\n`;
}

/**
 * A reason as one line: an error's message can span lines (the strategies a refresh tried, the next
 * step), and a log line per request must stay one line.
 *
 * @example
 * ```ts
 * oneLine('expired:\n  - OAuth: not applicable\nRun `sessionjar refresh app`.'); // 'expired: - OAuth: not applicable Run `sessionjar refresh app`.'
 * ```
 */
export function oneLine(text: string): string {
  return text.split(/\s*[\r\n]+\s*/).filter(Boolean).join(' ');
}
