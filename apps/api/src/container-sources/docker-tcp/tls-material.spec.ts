import { assertTlsMaterial } from './tls-material';

// Certificates that parse (and keys that match or not) are covered by the integration tests,
// which mint them with openssl.
const NOT_A_CERT = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

describe('assertTlsMaterial', () => {
  it('names the field that is not a certificate, without quoting it', () => {
    const attempt = (): void => assertTlsMaterial({ ca: NOT_A_CERT, cert: 's3cret', key: 'k' });
    expect(attempt).toThrow('tls.ca is not a PEM certificate');
  });
});
