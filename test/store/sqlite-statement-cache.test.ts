import { sqliteDriver } from '../../connector/store/sqlite-driver';
import { StatementCache } from '../../connector/store/sqlite-statement-cache';

describe('StatementCache (the SQLite store keeps its prepared statements)', () => {
  const open = (size?: number): StatementCache => {
    const database = new (sqliteDriver())(':memory:');
    database.exec('create table t (n integer)');
    return new StatementCache(database, size);
  };

  it('hands out the statement it prepared before for the same text, which still runs with new parameters', () => {
    const cache = open();
    const insert = cache.prepare('insert into t (n) values (?)');
    insert.run([1]);
    expect(cache.prepare('insert into t (n) values (?)')).toBe(insert);
    cache.prepare('insert into t (n) values (?)').run([2]);
    expect(cache.prepare('select n from t order by n').all([])).toEqual([{ n: 1 }, { n: 2 }]);
    expect(cache.size).toBe(2);
    cache.close();
  });

  it('prepares a second statement beside one that is still being iterated, and does not keep it', () => {
    const cache = open();
    cache.prepare('insert into t (n) values (1), (2), (3)').run([]);
    const text = 'select n from t order by n';
    const streaming = cache.prepare(text);
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ n: 1 });
    const beside = cache.prepare(text);
    expect(beside).not.toBe(streaming);
    expect(beside.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
    // Once the stream ended, the kept statement is the one handed out again.
    expect(cache.prepare(text)).toBe(streaming);
    cache.close();
  });

  it('drops the least recently used statement beyond its size', () => {
    const cache = open(2);
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // now the most recently used
    cache.prepare('select 3'); // evicts 'select 2'
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.prepare('select 2')).not.toBe(b);
    cache.close();
  });

  it('keeps working when the schema changes under a kept statement', () => {
    const cache = open();
    const select = cache.prepare('select * from t');
    cache.prepare('insert into t (n) values (5)').run([]);
    cache.prepare('alter table t add column m text').run([]);
    expect(cache.prepare('select * from t')).toBe(select);
    expect(select.all([])).toEqual([{ n: 5, m: null }]);
    cache.close();
  });
});
