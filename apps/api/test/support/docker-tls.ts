/**
 * TLS for the private engine: a CA, a server certificate for 127.0.0.1 and a client certificate,
 * minted with openssl, plus a second CA and a client certificate it signed (the "wrong" one).
 * startTlsEngine() restarts the harness dockerd with an extra `--tlsverify` listener on loopback.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restartDockerdWith } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { freePort, run } from '../harness/proc';

export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

export interface TlsEngine {
  /** `tcp://127.0.0.1:<port>`, served by the harness dockerd with --tlsverify. */
  url: string;
  /** Material that the engine accepts. */
  tls: ClientTls;
  /** A CA that did not sign the engine's certificate. */
  wrongCa: string;
  /** A client certificate and key signed by the wrong CA (the engine refuses it). */
  wrongClient: { cert: string; key: string };
  /** Back to the plain harness engine (unix socket only). */
  restore(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string): Promise<void> {
  await run('openssl', [
    ...['req', '-x509', ...EC, '-days', '2', '-subj', `/CN=archnest-test-${name}`],
    ...['-keyout', join(dir, `${name}-key.pem`), '-out', join(dir, `${name}.pem`)],
  ]);
}

async function makeLeaf(dir: string, name: string, ca: string, extensions: string): Promise<void> {
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  await run('openssl', [
    ...['req', ...EC, '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}-key.pem`)],
    ...['-out', csr],
  ]);
  await run('openssl', [
    ...['x509', '-req', '-in', csr, '-CA', join(dir, `${ca}.pem`), '-days', '2'],
    ...['-CAkey', join(dir, `${ca}-key.pem`), '-CAcreateserial', '-extfile', ext],
    ...['-out', join(dir, `${name}.pem`)],
  ]);
}

async function mint(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'wrong-ca')]);
  // Leaves of one CA one after the other: -CAcreateserial writes that CA's serial file, and two
  // openssl runs at once can read it half-written ("Unable to load number from ca.srl").
  const signedByCa = async (): Promise<void> => {
    await makeLeaf(
      dir,
      'server',
      'ca',
      'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    );
    await makeLeaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  };
  await Promise.all([
    signedByCa(),
    makeLeaf(dir, 'wrong-client', 'wrong-ca', 'extendedKeyUsage=clientAuth\n'),
  ]);
}

/** Restarts the harness engine with a TLS listener on a free loopback port. */
export async function startTlsEngine(): Promise<TlsEngine> {
  const dir = join(loadInfra().tmpDir, 'docker-tls');
  await mint(dir);
  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const port = await freePort();
  await restartDockerdWith([
    ...['--host', `tcp://127.0.0.1:${port}`, '--tlsverify'],
    ...['--tlscacert', join(dir, 'ca.pem'), '--tlscert', join(dir, 'server.pem')],
    ...['--tlskey', join(dir, 'server-key.pem')],
  ]);
  return {
    url: `tcp://127.0.0.1:${port}`,
    tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client-key.pem') },
    wrongCa: pem('wrong-ca.pem'),
    wrongClient: { cert: pem('wrong-client.pem'), key: pem('wrong-client-key.pem') },
    restore: async () => {
      await restartDockerdWith([]);
    },
  };
}
