/**
 * The subset of QBO's query language the simulator understands (erp-apis.md §2.2):
 * `SELECT * | count(*) FROM <Entity> [WHERE c AND …] [ORDERBY f [ASC|DESC][, …]] [STARTPOSITION n] [MAXRESULTS n]`,
 * with the operators `=, <, >, <=, >=, IN, LIKE` ("LIKE takes only %") and dotted fields such as
 * `MetaData.LastUpdatedTime`. `OR`, `GROUP BY`, `JOIN` and anything else are refused (§2.2: "Not
 * supported"), as a QueryParserError (see QueryError).
 */

export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';

export interface Literal {
  /** Quoted strings, bare numbers and bare true/false [UNVERIFIED: QBO accepting values without quotes]. */
  kind: 'string' | 'number' | 'boolean';
  text: string;
}

export interface Condition {
  field: string;
  op: Operator;
  values: Literal[];
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: { field: string; desc: boolean }[];
  startPosition?: number;
  maxResults?: number;
}

/**
 * A query the simulator refuses. `code` "4000" is a statement that does not parse, "4001" one that
 * parses but names what cannot be queried [UNVERIFIED: both codes and messages are from memory of
 * real QBO answers, not from the reference]. Both travel as a ValidationFault.
 */
export class QueryError extends Error {
  constructor(
    readonly code: '4000' | '4001',
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

interface Token {
  kind: 'word' | 'string' | 'number' | 'symbol';
  text: string;
  column: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw parseError(`Lexical error at line 1, column ${column}: unterminated string`);
        const c = text[i]!;
        // QBO escapes a quote inside a value with a backslash (Intuit's data-queries page, §2.2) [UNVERIFIED].
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1]!;
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: 'string', text: value, column });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
      tokens.push({ kind: 'symbol', text: two, column });
      i += 2;
      continue;
    }
    if ('=<>(),*'.includes(ch)) {
      tokens.push({ kind: 'symbol', text: ch, column });
      i++;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (number && (ch === '-' || /\d/.test(ch))) {
      tokens.push({ kind: 'number', text: number[0], column });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], column });
      i += word[0].length;
      continue;
    }
    throw parseError(`Lexical error at line 1, column ${column}.  Encountered: "${ch}"`);
  }
  return tokens;
}

function parseError(detail: string): QueryError {
  return new QueryError('4000', 'Error parsing query', `QueryParserError: ${detail}`);
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }

  private fail(expecting: string): never {
    const t = this.peek();
    if (!t)
      throw parseError(`Encountered "<EOF>" at line 1, column ${this.text.length + 1}. Was expecting ${expecting}`);
    throw parseError(`Encountered "${t.text}" at line 1, column ${t.column}. Was expecting ${expecting}`);
  }

  private word(word: string): void {
    if (!this.isWord(word)) this.fail(`"${word}"`);
    this.i++;
  }

  private symbol(symbol: string): void {
    const t = this.peek();
    if (t?.kind !== 'symbol' || t.text !== symbol) this.fail(`"${symbol}"`);
    this.i++;
  }

  private identifier(): string {
    const t = this.peek();
    if (t?.kind !== 'word' || RESERVED.has(t.text.toUpperCase())) this.fail('<ID>');
    this.i++;
    return t.text;
  }

  private integer(): number {
    const t = this.peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail('<INTEGER>');
    this.i++;
    return Number(t.text);
  }

  private literal(): Literal {
    const t = this.peek();
    if (t?.kind === 'string') {
      this.i++;
      return { kind: 'string', text: t.text };
    }
    if (t?.kind === 'number') {
      this.i++;
      return { kind: 'number', text: t.text };
    }
    if (t?.kind === 'word' && /^(true|false)$/i.test(t.text)) {
      this.i++;
      return { kind: 'boolean', text: t.text.toLowerCase() };
    }
    return this.fail('<STRING>');
  }

  parse(): ParsedQuery {
    this.word('SELECT');
    let count = false;
    if (this.isWord('COUNT')) {
      this.i++;
      this.symbol('(');
      this.symbol('*');
      this.symbol(')');
      count = true;
    } else if (this.peek()?.kind === 'symbol' && this.peek()!.text === '*') this.i++;
    else {
      // A projection parses, and every field comes back anyway (§2.2: "all fields always come back") [UNVERIFIED].
      this.identifier();
      while (this.peek()?.text === ',') {
        this.i++;
        this.identifier();
      }
    }
    this.word('FROM');
    const entity = this.identifier();
    if (entity.includes('.')) this.fail('<ID>');
    const query: ParsedQuery = { count, entity, where: [], orderBy: [] };
    if (this.isWord('WHERE')) {
      this.i++;
      query.where.push(this.condition());
      while (this.isWord('AND')) {
        this.i++;
        query.where.push(this.condition());
      }
      if (this.isWord('OR')) this.fail('"AND" (OR is not supported)');
    }
    // Intuit documents ORDERBY; "ORDER BY" is accepted too [UNVERIFIED].
    if (this.isWord('ORDERBY') || (this.isWord('ORDER') && this.tokens[this.i + 1]?.text.toUpperCase() === 'BY')) {
      this.i += this.isWord('ORDER') ? 2 : 1;
      do {
        if (query.orderBy.length > 0) this.i++;
        const field = this.identifier();
        let desc = false;
        if (this.isWord('ASC')) this.i++;
        else if (this.isWord('DESC')) {
          this.i++;
          desc = true;
        }
        query.orderBy.push({ field, desc });
      } while (this.peek()?.text === ',');
    }
    // Either order of the two paging clauses [UNVERIFIED: the reference shows STARTPOSITION first].
    for (let k = 0; k < 2; k++) {
      if (this.isWord('STARTPOSITION') && query.startPosition === undefined) {
        this.i++;
        query.startPosition = this.integer();
      } else if (this.isWord('MAXRESULTS') && query.maxResults === undefined) {
        this.i++;
        query.maxResults = this.integer();
      }
    }
    if (this.peek()) this.fail('<EOF>');
    return query;
  }

  private condition(): Condition {
    if (this.peek()?.text === '(') this.fail('<ID> (parentheses are not supported)');
    const field = this.identifier();
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toUpperCase() === 'IN') {
      this.i++;
      this.symbol('(');
      const values = [this.literal()];
      while (this.peek()?.text === ',') {
        this.i++;
        values.push(this.literal());
      }
      this.symbol(')');
      return { field, op: 'IN', values };
    }
    if (t?.kind === 'word' && t.text.toUpperCase() === 'LIKE') {
      this.i++;
      const value = this.literal();
      if (value.kind !== 'string') this.fail('<STRING>');
      return { field, op: 'LIKE', values: [value] };
    }
    if (t?.kind === 'symbol' && ['=', '<', '>', '<=', '>='].includes(t.text)) {
      this.i++;
      return { field, op: t.text as Operator, values: [this.literal()] };
    }
    return this.fail('one of "=", "<", ">", "<=", ">=", "IN", "LIKE"');
  }
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'ORDERBY',
  'ORDER',
  'BY',
  'GROUP',
  'JOIN',
  'STARTPOSITION',
  'MAXRESULTS',
  'IN',
  'LIKE',
  'ASC',
  'DESC',
]);

export function parseQuery(text: string): ParsedQuery {
  return new Parser(tokenize(text), text).parse();
}
