import type { BrowserContext, Frame } from 'playwright-core';
import { looksLikeAuthCookie } from '../session/credentials.js';
import type { WireLog } from './wire.js';

/**
 * Signs that a person has logged in, read while they do it: where a password was submitted (the
 * sign-in page a session keeps as `login.signInUrl`), whether any page still shows a sign-in form
 * or asks for a one-time code, and which credentials appeared since the password went out. A
 * recording by hand ends by itself when they agree (see waitForSuccess).
 */

const BINDING = '__sessionjarPasswordSubmitted';

/**
 * Runs in every frame. Reports (never the value) that a password field with something typed in it
 * was sent: a form submitted, Enter pressed in a field, or a button clicked beside it (a
 * single-page app that posts from a click handler).
 */
const PAGE_SCRIPT = `(() => {
  const filled = (scope) => !!scope && Array.from(scope.querySelectorAll('input[type=password]')).some((i) => i.value !== '');
  const send = () => { try { window.${BINDING}(location.href); } catch {} };
  addEventListener('submit', (e) => { if (e.target instanceof Element && filled(e.target)) send(); }, true);
  addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key === 'Enter' && t instanceof HTMLInputElement && filled(t.form || document)) send();
  }, true);
  addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button, input[type=submit], input[type=image], [role=button]') : null;
    if (b && filled(b.form || document)) send();
  }, true);
})();`;

/** What one frame shows now: a visible password or one-time-code field, and credential-like storage entries. */
interface FrameLook {
  origin: string;
  loading: boolean;
  password: boolean;
  oneTimeCode: boolean;
  /** `localStorage "auth"` → a short hash of its value. */
  storage: [string, string][];
}

function lookAtFrame(): FrameLook {
  const visible = (el: Element) => (el as HTMLElement).getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const inputs = Array.from(document.querySelectorAll('input')).filter(visible);
  // A code field: so marked, or a short numeric field named like one (a promo code field is neither).
  const codeName = /(otp|totp|one.?time|mfa|2fa|two.?factor|verif|passcode|pin|code)/i;
  const numeric = (i: HTMLInputElement) => i.inputMode === 'numeric' || i.type === 'tel' || i.type === 'number' || (i.maxLength > 0 && i.maxLength <= 8);
  const oneTimeCode = inputs.some((i) => i.autocomplete === 'one-time-code' || (numeric(i) && (codeName.test(i.name) || codeName.test(i.id))));
  const hash = (text: string) => {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return `${text.length}:${(h >>> 0).toString(36)}`;
  };
  const credentialLike = (key: string, value: string) =>
    /eyJ[\w-]{8,}\.[\w-]{8,}\./.test(value) || (value.length >= 16 && /(token|auth|jwt|sess|access|bearer|credential|refresh)/i.test(key));
  const storage: [string, string][] = [];
  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    try {
      const store = window[kind];
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i) ?? '';
        const value = store.getItem(key) ?? '';
        if (credentialLike(key, value)) storage.push([`${kind} "${key}"`, hash(value)]);
      }
    } catch {
      // storage is off in this frame (sandboxed, opaque origin)
    }
  }
  return { origin: location.origin, loading: document.readyState === 'loading', password: inputs.some((i) => i.type === 'password'), oneTimeCode, storage };
}

/** What a look found: `detected` when every sign agrees, else what is still missing. */
export interface SignsLook {
  detected?: string;
  missing: string;
  /** How many password submissions have been seen (a new one re-arms an ending the person put off). */
  submissions: number;
}

export class LoginSigns {
  private readonly submissions: { url: string; at: number }[] = [];
  /** Credentials (cookies, storage entries, headers) seen before the first password submission. */
  private readonly before = new Set<string>();

  private constructor(
    private readonly context: BrowserContext,
    private readonly wire: WireLog,
  ) {}

  /** Starts watching every page of `context`; call before its first page opens. */
  static async watch(context: BrowserContext, wire: WireLog): Promise<LoginSigns> {
    const signs = new LoginSigns(context, wire);
    await context.exposeBinding(BINDING, (_source, url: unknown) => {
      if (typeof url === 'string' && /^https?:/.test(url)) signs.submissions.push({ url, at: Date.now() });
    });
    await context.addInitScript({ content: PAGE_SCRIPT });
    return signs;
  }

  /** The page where the last password was submitted, without its query (which holds one-time state). */
  signInUrl(): string | undefined {
    const last = this.submissions.at(-1);
    if (!last) return undefined;
    const url = new URL(last.url);
    return `${url.origin}${url.pathname}`;
  }

  /** Whether a page loaded `url` (origin and path) after the first password went out: the login came back to it. */
  cameBackTo(url: string): boolean {
    const first = this.submissions[0];
    if (!first) return false;
    const target = new URL(url);
    return this.wire.requests.some((r) => {
      if (r.resourceType !== 'document' || (r.at ?? 0) < first.at) return false;
      const seen = new URL(r.url);
      return seen.origin === target.origin && seen.pathname === target.pathname;
    });
  }

  /** Looks at every page now. */
  async look(): Promise<SignsLook> {
    const submitted = this.submissions[0];
    const count = this.submissions.length;
    const frames = this.context.pages().flatMap((p) => (p.isClosed() ? [] : p.frames()));
    // A frame that cannot be read (detached, navigating) says nothing; a main frame then means "wait".
    const read = await Promise.all(frames.map((f: Frame) => f.evaluate(lookAtFrame).catch(() => (f.parentFrame() ? null : undefined))));
    const looks = read.filter((l) => l !== null);
    const cookies = await this.context.cookies().catch(() => []);
    const found = new Map<string, string>();
    for (const c of cookies) {
      if (c.value !== '' && looksLikeAuthCookie(c.name, c.httpOnly)) found.set(`cookie\0${c.name}\0${c.domain}\0${c.value}`, `cookie "${c.name}" (${c.domain.replace(/^\./, '')})`);
    }
    for (const l of looks) for (const [what, hash] of l?.storage ?? []) found.set(`storage\0${l!.origin}\0${what}\0${hash}`, `${what} (${l!.origin})`);
    for (const r of this.wire.requests) {
      const value = r.headers.authorization ?? '';
      if (/^\s*(\w+\s+)?(undefined|null)?\s*$/i.test(value)) continue;
      const key = `header\0${new URL(r.url).origin}\0${value}`;
      if (!submitted || (r.at ?? 0) < submitted.at) this.before.add(key);
      else found.set(key, `an Authorization header to ${new URL(r.url).origin}`);
    }
    // Read before any password went out (the binding would have been heard first): the baseline.
    if (this.submissions.length === 0) {
      for (const key of found.keys()) this.before.add(key);
      return { missing: 'no password submitted yet', submissions: 0 };
    }
    const url = new URL(this.submissions.at(-1)!.url);
    if (looks.some((l) => l === undefined || l.loading)) return { missing: 'a page is loading', submissions: count };
    if (looks.some((l) => l!.oneTimeCode)) return { missing: 'a one-time code is asked for', submissions: count };
    if (looks.some((l) => l!.password)) return { missing: 'a sign-in form is still shown', submissions: count };
    const fresh = [...found].filter(([key]) => !this.before.has(key)).map(([, what]) => what);
    if (fresh.length === 0) return { missing: 'no new credential yet', submissions: count };
    return {
      detected: `password submitted at ${url.origin}${url.pathname}, the sign-in form is gone, new ${[...new Set(fresh)].join(', ')}`,
      missing: '',
      submissions: count,
    };
  }
}
