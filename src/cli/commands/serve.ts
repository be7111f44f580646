import { Command } from 'commander';
import { SessionjarError } from '../../core/errors.js';
import { printLine } from '../output.js';
import { storeFor } from '../context.js';
import { gatewayOptions, gatewayServeOptions, tuneV8ForGateway, untilSignal, type GatewayRaw } from '../serve-options.js';

interface ServeRaw extends GatewayRaw {
  port?: string;
  bind?: string;
  token: boolean;
  tokenFile?: string;
  unixSocket?: string;
}

export function makeServeCommand(): Command {
  return gatewayOptions(
    new Command('serve')
      .description('Run a local gateway: requests to it go to the target as the recorded user (cookies, headers, refresh)')
      .argument('<name>', 'session name, or path of a session file')
      .option('--port <n>', 'port of the first listener, the next targets on the following ones (default 0: free ports)')
      .option('--bind <address>', 'address to listen on (default 127.0.0.1); anything else warns and needs the token')
      .option('--no-token', 'ask callers for no token (refused unless bound to loopback)')
      .option('--token-file <path>', 'write the token here (0600) instead of a fresh temporary folder')
      .option('--unix-socket <path>', 'listen on this unix socket (made 0600) instead of a port; needs no token'),
    'the start line as one JSON object on stdout (session, urls, token, tokenHeader, tokenFile), and one JSON object per request on stderr',
  )
    .addHelpText(
      'after',
      [
        '',
        'Every request needs the token printed at start, in X-Sessionjar-Token or as the URL password.',
        'Requests with Origin or Sec-Fetch-* headers (web pages) and a wrong Host are refused (403).',
        '',
        'Examples:',
        '  sessionjar serve github --target https://api.github.com',
        '  curl -H "X-Sessionjar-Token: $(cat /tmp/sessionjar-serve-*/token)" http://127.0.0.1:PORT/user',
        '  sessionjar serve app --target https://app.example --unix-socket /tmp/app.sock',
      ].join('\n'),
    )
    .action((name: string, raw: ServeRaw, command: Command) => runServe(name, raw, command));
}

async function runServe(name: string, raw: ServeRaw, command: Command): Promise<void> {
  const collectGarbage = tuneV8ForGateway();
  const { serveSession } = await import('../../serve/gateway.js');
  const { writeTokenFile } = await import('../../serve/token.js');
  const port = raw.port === undefined ? 0 : Number(raw.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SessionjarError('USAGE', `--port: "${raw.port}" is not a port number (0-65535; 0 picks free ports).`);
  if (raw.unixSocket !== undefined && (raw.port !== undefined || raw.bind !== undefined)) {
    throw new SessionjarError('USAGE', '--unix-socket listens on a socket file: leave out --port and --bind.');
  }
  const options = await gatewayServeOptions(raw, storeFor(command), true);
  const gateway = await serveSession(name, {
    ...options,
    collectGarbage,
    port,
    ...(raw.bind === undefined ? {} : { host: raw.bind }),
    ...(raw.unixSocket === undefined ? {} : { unixSocket: raw.unixSocket }),
    ...(raw.token ? {} : { token: false as const }),
  });
  const signal = untilSignal();
  const tokenFile = gateway.token === undefined ? undefined : await writeTokenFile(gateway.token, raw.tokenFile);
  try {
    if (raw.json) {
      printLine(JSON.stringify({ session: name, urls: gateway.urls, token: gateway.token ?? null, tokenHeader: gateway.tokenHeader, tokenFile: tokenFile?.path ?? null }));
    } else {
      printLine(`sessionjar: serving "${name}" (Ctrl-C to stop)`);
      for (const { url, target } of gateway.urls) printLine(`  ${url} → ${target}`);
      if (gateway.token !== undefined) {
        // Printed this once, on purpose: the caller needs it. The log lines never carry it.
        printLine(`token: ${gateway.token}`);
        printLine(`  send it as "${gateway.tokenHeader}: <token>" or as the password of the URL (http://x:<token>@host:port/)`);
        printLine(`  token file (0600): ${tokenFile?.path}`);
      }
    }
    const got = await signal;
    process.stderr.write(`sessionjar: ${got}: finishing requests in flight, saving cookies\n`);
  } finally {
    await gateway.close();
    await tokenFile?.remove();
  }
}
