/** Where and as whom to log in; secrets are plaintext only in memory, for one connect. */
export interface SshCredentials {
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

/** One machine of a chain: the jump hosts first, the target last. */
export interface SshHop {
  id: string;
  /** Operator-facing name, used in every error message. */
  name: string;
  host: string;
  port: number;
  credentials: SshCredentials;
  /** The pinned `SHA256:` host key fingerprint; null until an admin accepts one. */
  fingerprint: string | null;
}

/** A hop to scan: reached through pinned jumps, never authenticated to. */
export type ScanEndpoint = Pick<SshHop, 'name' | 'host' | 'port'> & { username: string };

export function describeHop(hop: Pick<SshHop, 'name' | 'host' | 'port'>): string {
  return `'${hop.name}' (${hop.host}:${hop.port})`;
}
