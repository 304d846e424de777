import { SmsConfigSchema } from '../../../adapters/sms/config.schema';
import { frenchNumberToE164, isE164, isFrenchMobile, maskPhoneNumber } from '../../../connector/model/phone-number';
import { senderIdProblem } from '../../../adapters/sms/sender-id';

describe('phone numbers', () => {
  it.each([
    ['+33612345678', true],
    ['+442071838750', true],
    ['+1', false],
    ['0612345678', false],
    ['+033612345678', false],
    ['+33 6 12 34 56 78', false],
    ['+3361234567890123', false],
  ])('isE164(%s) is %s', (n, ok) => expect(isE164(n)).toBe(ok));

  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['06.12.34.56.78', '+33612345678'],
    ['0033 6 12 34 56 78', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['+33612345678', '+33612345678'],
    ['01-23-45-67-89', '+33123456789'],
    ['612345678', undefined],
    ['00 44 20 7183 8750', undefined],
    ['06 12 34 56', undefined],
  ])('frenchNumberToE164(%s) = %s', (input, out) => expect(frenchNumberToE164(input)).toBe(out));

  it('only 06 and 07 numbers are metropolitan mobiles', () => {
    expect(['+33612345678', '+33712345678', '+33123456789', '+33912345678'].map(isFrenchMobile)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('masks all but the country prefix and the last two digits', () => {
    expect(maskPhoneNumber('+33612345678')).toBe('+336******78');
    expect(maskPhoneNumber('12345')).toBe('*****');
    expect(maskPhoneNumber('+33612345678')).not.toContain('1234');
  });
});

describe('sender id', () => {
  it.each([
    ['RECOUVRA', undefined],
    ['Acme2026', undefined],
    ['ABCDEFGHIJK', undefined],
    ['ABCDEFGHIJKL', 'at most 11'],
    ['', 'must not be empty'],
    ['ACME SAS', 'only letters'],
    ['Société', 'only letters'],
    ['0612345678', 'at least one letter'],
  ])('%j', (value, says) => {
    const problem = senderIdProblem(value);
    if (says === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(says);
  });
});

describe('SmsConfigSchema', () => {
  it('fills every default, with the documented contact window', () => {
    expect(SmsConfigSchema.parse({ baseUrl: 'https://sms.example.com', apiKey: 'k', senderId: 'ACME' })).toEqual({
      baseUrl: 'https://sms.example.com',
      apiKey: 'k',
      senderId: 'ACME',
      timeoutMs: 10_000,
      maxSegments: 3,
      contactWindow: {
        timeZone: 'Europe/Paris',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        ranges: [
          { from: '10:00', to: '13:00' },
          { from: '14:00', to: '20:00' },
        ],
        publicHolidays: 'FR',
        extraHolidays: [],
      },
    });
  });

  it('lists every bad key at once, each where it is', () => {
    const r = SmsConfigSchema.safeParse({
      baseUrl: 'ftp://x',
      apiKey: '',
      senderId: 'MY COMPANY NAME',
      timeoutMs: 10,
      surprise: true,
      contactWindow: {
        timeZone: 'Mars/Olympus',
        days: ['monday'],
        ranges: [
          { from: '20:00', to: '10:00' },
          { from: '25:00', to: '26:00' },
        ],
        extraHolidays: ['2026-02-30'],
      },
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'apiKey',
        'senderId',
        'timeoutMs',
        '',
        'contactWindow.timeZone',
        'contactWindow.days.0',
        'contactWindow.ranges.0',
        'contactWindow.ranges.1.from',
        'contactWindow.extraHolidays.0',
      ]),
    );
    expect(r.error!.issues.find((i) => i.path.join('.') === 'senderId')!.message).toContain('at most 11');
  });
});
