import { Injectable } from '@nestjs/common';
import { utils } from 'ssh2';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { CryptoService } from '../../common/crypto/crypto.service';
import type { SshAuthMethod } from './ssh-target.entity';

export type TargetSecrets = { password: string } | { privateKey: string; passphrase?: string };

/** What a create or update request may carry. */
export interface SecretsInput {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export function authMethodOf(secrets: TargetSecrets): SshAuthMethod {
  return 'password' in secrets ? 'password' : 'key';
}

/**
 * Seals and opens a target's credentials (AES-256-GCM through CryptoService) and checks a
 * private key before it is stored. Plaintext exists only in memory, for one connect.
 */
@Injectable()
export class SshTargetSecrets {
  constructor(private readonly crypto: CryptoService) {}

  seal(secrets: TargetSecrets): string {
    return this.crypto.seal(JSON.stringify(secrets));
  }

  open(sealed: string): TargetSecrets {
    return JSON.parse(this.crypto.open(sealed)) as TargetSecrets;
  }

  /** The credentials of a new target: exactly one of password or privateKey. */
  forCreate(input: SecretsInput): TargetSecrets {
    const secrets = this.fromInput(input);
    if (!secrets) {
      throw new AppError(ErrorCode.BadRequest, 'Give either password or privateKey');
    }
    return secrets;
  }

  /** New credentials from an update, or null to keep the stored ones (a passphrase re-keys). */
  forUpdate(input: SecretsInput, sealed: string): TargetSecrets | null {
    const secrets = this.fromInput(input);
    if (secrets || input.passphrase === undefined) {
      return secrets;
    }
    const current = this.open(sealed);
    if ('password' in current) {
      throw new AppError(ErrorCode.BadRequest, 'passphrase applies to key auth only');
    }
    return this.checkedKey(current.privateKey, input.passphrase);
  }

  private fromInput({ password, privateKey, passphrase }: SecretsInput): TargetSecrets | null {
    if (password !== undefined && privateKey !== undefined) {
      throw new AppError(ErrorCode.BadRequest, 'Give either password or privateKey, not both');
    }
    if (password !== undefined) {
      if (passphrase !== undefined) {
        throw new AppError(ErrorCode.BadRequest, 'passphrase applies to key auth only');
      }
      return { password };
    }
    return privateKey === undefined ? null : this.checkedKey(privateKey, passphrase);
  }

  /** Refuses what ssh2 cannot sign with; the reason never echoes key material. */
  private checkedKey(privateKey: string, passphrase?: string): TargetSecrets {
    const parsed = utils.parseKey(privateKey, passphrase);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase|decrypt/i.test(parsed.message);
      throw new AppError(
        ErrorCode.BadRequest,
        encrypted
          ? 'privateKey is encrypted: the passphrase is missing or wrong'
          : 'privateKey is not an OpenSSH, PEM or PuTTY private key',
      );
    }
    if (!parsed.isPrivateKey()) {
      throw new AppError(ErrorCode.BadRequest, 'privateKey must be a private key');
    }
    return passphrase === undefined ? { privateKey } : { privateKey, passphrase };
  }
}
