import { sha256Hex, sha256HexUsing } from '../../connector/model/sha256';

// "abc": FIPS 180-2 appendix B.1. "é" hashed as its UTF-8 bytes c3 a9, not as Latin-1 e9.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const E_ACUTE_UTF8 = '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c';

describe('sha256Hex', () => {
  it.each([
    ['the one-call hash of this Node', sha256Hex],
    ['the streaming hash of older Node 20 releases', sha256HexUsing(undefined)],
  ])('gives the standard digest of a UTF-8 text with %s', (_, hash) => {
    expect(hash('abc')).toBe(ABC);
    expect(hash('é')).toBe(E_ACUTE_UTF8);
  });
});
