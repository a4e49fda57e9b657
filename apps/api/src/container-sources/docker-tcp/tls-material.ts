import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError, ErrorCode } from '../../common/errors/app-error';

/** Client TLS material for a `tcp://` engine started with `--tlsverify` (PEM text). */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

function bad(message: string): AppError {
  return new AppError(ErrorCode.BadRequest, message);
}

function certificate(field: 'ca' | 'cert', pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw bad(`tls.${field} is not a PEM certificate`);
  }
}

function privateKey(pem: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw bad('tls.key is not an unencrypted PEM private key');
  }
}

/**
 * Checks the material before any connection is tried, so a paste error reads as a 400 naming
 * the field rather than an opaque handshake failure. Messages never quote the material.
 */
export function assertTlsMaterial(tls: TlsMaterial): void {
  certificate('ca', tls.ca);
  const cert = certificate('cert', tls.cert);
  const key = privateKey(tls.key);
  if (!cert.checkPrivateKey(key)) {
    throw bad('tls.key does not belong to tls.cert');
  }
}
