import { readFileSync } from 'node:fs';
import { parseConfig } from '../../connector/config/load-config';
import { ProblemsError } from '../../connector/config/problems';

/** `legal.termsOfSale`: parsed with the configuration, every bad key named at once with its line. */

function problemsOf(text: string): string[] {
  try {
    parseConfig('recouvra.yaml', text, { env: {} });
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map((p) => `${p.line ?? '-'} ${p.path.join('.')}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('legal.termsOfSale', () => {
  it('reads a penalty clause and an article 700 amount; absent, there is none', () => {
    const text = [
      'version: 1',
      'legal:',
      '  termsOfSale:',
      '    penaltyClause:',
      '      percent: 10',
      '      minimum: 15000',
      '      reference: "CGV art. 9"',
      '    article700:',
      '      amount: 150000',
      '',
    ].join('\n');
    expect(parseConfig('c.yaml', text, { env: {} }).config.legal.termsOfSale).toEqual({
      penaltyClause: { percent: 10, minimum: 15_000, reference: 'CGV art. 9' },
      article700: { amount: 150_000 },
    });
    expect(parseConfig('c.yaml', 'version: 1\n', { env: {} }).config.legal.termsOfSale).toBeUndefined();
  });

  it('names every problem at once: a rate of 0 or with three decimals, no reference, a fractional minimum, a negative article 700', () => {
    const text = [
      'version: 1',
      'legal:',
      '  termsOfSale:',
      '    penaltyClause:',
      '      percent: 10.125', // line 5
      '      minimum: 150.5', //  line 6
      '    article700:',
      '      amount: -100', //    line 8
      '',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toEqual(
      expect.arrayContaining([
        '5 legal.termsOfSale.penaltyClause.percent: penaltyClause.percent must be a percentage above 0 and at most 100, with at most two decimals, e.g. 10 or "12.5" (got 10.125)',
        expect.stringMatching(
          /^6 legal\.termsOfSale\.penaltyClause\.minimum: amount must be a whole number of minor units/,
        ),
        expect.stringMatching(
          /^\d+ legal\.termsOfSale\.penaltyClause\.reference: penaltyClause\.reference must name the clause, e\.g\. "CGV art\. 9"/,
        ),
        expect.stringMatching(/^8 legal\.termsOfSale\.article700\.amount: amount must be greater than zero/),
      ]),
    );
    expect(problems).toHaveLength(4);
    expect(
      problemsOf('version: 1\nlegal:\n  termsOfSale:\n    penaltyClause: { percent: 0, reference: "CGV 9" }\n'),
    ).toEqual([
      '4 legal.termsOfSale.penaltyClause.percent: penaltyClause.percent must be a percentage above 0 and at most 100, with at most two decimals, e.g. 10 or "12.5" (got 0)',
    ]);
  });

  it('the commented example of config/example.yaml is valid once uncommented', () => {
    const lines = readFileSync('config/example.yaml', 'utf8').split('\n');
    const start = lines.indexOf('  # termsOfSale:');
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(start)) {
      if (!line.startsWith('  #')) break;
      block.push(line.replace(/^ {2}# ?/, '  '));
    }
    const text = ['version: 1', 'legal:', ...block, ''].join('\n');
    expect(parseConfig('example.yaml', text, { env: {} }).config.legal.termsOfSale).toEqual({
      penaltyClause: { percent: 10, minimum: 15_000, reference: 'CGV art. 9' },
      article700: { amount: 150_000 },
    });
  });
});
