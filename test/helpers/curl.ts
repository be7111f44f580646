import { execFile } from 'node:child_process';

export interface CurlAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with '\n'. */
  headers: Record<string, string>;
  body: string;
}

/** Runs the real curl (`-s -i` plus `args`) and splits its answer into status, headers and body. */
export function curl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CurlAnswer> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-i', '--max-time', '20', ...args], { env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error && !stdout) return reject(error);
      resolve(parseHead(stdout));
    });
  });
}

/** A `-i` answer: the last head (after any 100 Continue) and the body. */
export function parseHead(text: string): CurlAnswer {
  let rest = text;
  let head: string;
  do {
    const end = rest.indexOf('\r\n\r\n');
    head = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? '' : rest.slice(end + 4);
  } while (/^HTTP\/\S+ 1\d\d/.test(head) && rest.startsWith('HTTP/'));
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}\n${value}`;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest };
}
