import { EXEC_CLOSE } from '@archnest/contracts';
import { sourceOf } from './container-exec';
import type { StartMessage } from './exec-messages';

const start: StartMessage = {
  type: 'start',
  token: 't',
  hostId: 'h1',
  container: 'web',
  cols: 80,
  rows: 24,
};

describe('sourceOf', () => {
  it('takes the source from the message on the main path', () => {
    expect(sourceOf({ ...start, source: 'docker-ssh' }, undefined)).toBe('docker-ssh');
  });

  it('needs a source on the main path', () => {
    expect(() => sourceOf(start, undefined)).toThrow('start needs source');
    try {
      sourceOf(start, undefined);
    } catch (error) {
      expect(error).toMatchObject({ closeCode: EXEC_CLOSE.badRequest });
    }
  });

  it('implies the alias source and refuses another', () => {
    expect(sourceOf(start, 'docker-tcp')).toBe('docker-tcp');
    expect(sourceOf({ ...start, source: 'docker-tcp' }, 'docker-tcp')).toBe('docker-tcp');
    expect(() => sourceOf({ ...start, source: 'docker-ssh' }, 'docker-tcp')).toThrow(
      'source must be docker-tcp on this path',
    );
  });
});
