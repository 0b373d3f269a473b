import { describe, expect, it } from 'vitest';
import { decodePunycode, siteLabel } from '../../src/popup/site-label';

describe('site label', () => {
  it('reads punycode host names as people write them', () => {
    expect(siteLabel('xn--mnchen-3ya.de')).toBe('münchen.de');
    expect(siteLabel('www.xn--bcher-kva.example')).toBe('www.bücher.example');
    expect(siteLabel('xn--fiqs8s.xn--fiqz9s')).toBe('中国.中國');
    expect(siteLabel('xn--80akhbyknj4f.xn--p1ai')).toBe('испытание.рф');
    expect(siteLabel('example.com')).toBe('example.com');
  });

  it('leaves a label that is not valid punycode as it is', () => {
    expect(decodePunycode('!!!')).toBeUndefined();
    expect(siteLabel('xn--!!!.example')).toBe('xn--!!!.example');
  });
});
