import { amountToMinorUnits } from '../../../adapters/sage-100-fr/values';

describe('Sage 100 amounts read as numbers', () => {
  it('give the same cents as the same amount read as six-decimal text', () => {
    const cents = [0, 1, 5, 10, 99, 100, 12_345, 1_999_999, 123_456_789, 99_999_999_999, 2 ** 31 * 100 - 1];
    for (const c of [...cents, ...cents.map((n) => -n)]) {
      const text = `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}0000`;
      expect([c, amountToMinorUnits(c / 100, 'x')]).toEqual([c, amountToMinorUnits(text, 'x')]);
    }
    expect(Object.is(amountToMinorUnits(-0, 'x'), 0)).toBe(true);
  });

  it('refuse a fraction of a cent, and a number beyond what a double holds to the cent, as the text path does', () => {
    expect(() => amountToMinorUnits(10.005, 'EC_Montant')).toThrow(/EC_Montant: 10.005 has a fraction of a cent/);
    expect(() => amountToMinorUnits(-0.001, 'EC_Montant')).toThrow(/has a fraction of a cent/);
    // 2^40 + 1/64: whole cents once rounded, but not to six decimals.
    expect(() => amountToMinorUnits(2 ** 40 + 1 / 64, 'EC_Montant')).toThrow(/has a fraction of a cent/);
    expect(() => amountToMinorUnits(Number.NaN, 'EC_Montant')).toThrow(/is not a decimal amount/);
  });
});
