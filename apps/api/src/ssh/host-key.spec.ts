import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf, isFingerprint, keyTypeOf, matchesPin } from './host-key';

describe('host keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-hostkey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('computes the fingerprint ssh-keygen prints for the same key', () => {
    const file = join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    const blob = Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
    const printed = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`]).toString();
    expect(fingerprintOf(blob)).toBe(printed.split(' ')[1]);
    expect(isFingerprint(fingerprintOf(blob))).toBe(true);
    expect(keyTypeOf(blob)).toBe('ssh-ed25519');
  });

  it('matches only an existing, equal pin', () => {
    const pin = fingerprintOf(Buffer.from('one'));
    expect(matchesPin(pin, pin)).toBe(true);
    expect(matchesPin(pin, null)).toBe(false);
    expect(matchesPin(pin, fingerprintOf(Buffer.from('two')))).toBe(false);
    expect(matchesPin('SHA256:short', 'SHA256:short')).toBe(false);
  });

  it('recognises only the SHA256 form', () => {
    expect(isFingerprint('MD5:aa:bb')).toBe(false);
    expect(isFingerprint(`SHA256:${'A'.repeat(43)}`)).toBe(true);
    expect(isFingerprint(`SHA256:${'A'.repeat(43)}\n`)).toBe(false);
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown');
  });
});
