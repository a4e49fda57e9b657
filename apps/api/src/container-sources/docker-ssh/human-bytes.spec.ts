import { parseBytePair, parseHumanBytes, parsePercent } from './human-bytes';

describe('docker human sizes', () => {
  it.each([
    ['0B', 0],
    ['792B', 792],
    ['1.2kB', 1200],
    ['20.5MiB', 21495808],
    ['632KiB', 647168],
    ['23.54GiB', 25275882537],
    ['1.5GB', 1.5e9],
    ['3TiB', 3 * 1024 ** 4],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseHumanBytes(text)).toBe(bytes);
  });

  it.each(['--', '', 'MiB', '1.2XB', '-1B', undefined])('%j is not a size', (text) => {
    expect(parseHumanBytes(text)).toBeNull();
  });

  it('splits used / limit pairs', () => {
    expect(parseBytePair('632KiB / 23.54GiB')).toEqual([647168, 25275882537]);
    expect(parseBytePair('--')).toEqual([null, null]);
  });

  it('reads percentages', () => {
    expect(parsePercent('1.42%')).toBe(1.42);
    expect(parsePercent('--')).toBeNull();
  });
});
