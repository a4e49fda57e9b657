/**
 * Hostile container refs and action verbs, shared by the docker-ssh and docker-tcp tests and
 * the security injection suite. None of them may reach a shell or an Engine API path.
 */

/** Every way a shell payload could try to break out of a ref, single quotes included. */
export const REF_WRAPPERS: readonly ((payload: string) => string)[] = [
  (p) => `x;${p}`,
  (p) => `x$(${p})`,
  (p) => `x\`${p}\``,
  (p) => `x';${p};'`,
  (p) => `x";${p};"`,
  (p) => `x\n${p}`,
  (p) => `x|${p}`,
  (p) => `x&&${p}`,
  (p) => `-x;${p}`,
  (p) => `$(${p})`,
];

/** Refs that are not names or ids (raw strings: URL-encode them into a path). */
export const HOSTILE_REF_STRINGS: readonly string[] = [
  '-f',
  '--help',
  '-H=tcp://evil:2375',
  'ünïcødé',
  '名前',
  'a\u202eb',
  'a b',
  'a\tb',
  'a\0b',
  'x'.repeat(200),
  'y'.repeat(129),
  '.hidden',
  '_under',
  'a/b',
  '*',
  '~root',
];

/** The payloads wrapped every way, then the refs that are wrong on their own. */
export function hostileRefs(payloads: readonly string[]): string[] {
  return [
    ...payloads.flatMap((payload) => REF_WRAPPERS.map((wrap) => wrap(payload))),
    ...HOSTILE_REF_STRINGS,
  ];
}

/** More refs for the security suite: lookalikes, traversal, separators, encodings. */
export const MORE_HOSTILE_REF_STRINGS: readonly string[] = [
  '../../etc/passwd',
  '../containers/create',
  '%2F',
  '%2e%2e%2f',
  'web/../../containers/json',
  '/web',
  '//web',
  '-web',
  '--rm',
  'web\r\nX-Injected: 1',
  'web?all=1',
  'web#frag',
  'web&force=1',
  'web web',
  ' web',
  'web ',
  'ｗｅｂ', // fullwidth
  'wеb', // Cyrillic е
  'web\u200b', // zero-width space
  'web\u0000',
  '\u0000',
  'web\\x',
  "web'",
  'web"',
  'web$HOME',
  'web${IFS}id',
  'web>out',
  'web<in',
  '{web}',
  '[web]',
  'web:latest',
  'web@sha256',
  'web%',
  'Z'.repeat(101),
];

/** Already URL-encoded path segments (as a client could send them). */
export const HOSTILE_REF_SEGMENTS: readonly string[] = [
  '..%2F..%2Fetc',
  '%2Fcontainers',
  'a%20b',
  '-rm',
  '.hidden',
  '%2E%2E%2Fx',
  'a%3Bb',
  'a%00b',
  'a%2Fb',
];

/** Verbs outside the whitelist, and whitelisted ones dressed up. */
export const HOSTILE_VERBS: readonly string[] = [
  'kill',
  'exec',
  'remove',
  'rm',
  'create',
  'update',
  'rename',
  'attach',
  'export',
  'archive',
  'commit',
  'wait',
  'resize',
  'top',
  'changes',
  'prune',
  'logs',
  'stats',
  'json',
  'START',
  'Start',
  'start ',
  ' start',
  'start\n',
  'start;id',
  'start&&id',
  'start|id',
  'start$(id)',
  'start`id`',
  '-start',
  '--start',
  'ѕtart', // Cyrillic ѕ
  'ｓｔａｒｔ', // fullwidth
  'start\u0000',
  'stop\u200b',
  'start/../kill',
  '../kill',
  'start?signal=KILL',
  'start#',
];

/** Valid refs that name no container: quoted, they can only ever be a (missing) name. */
export const VALID_BUT_ABSENT_REFS: readonly string[] = [
  'a..b',
  'A_b.c-d',
  'abcdef012345',
  'z'.repeat(100),
  '0'.repeat(64),
];
