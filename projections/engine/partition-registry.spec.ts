import { partitionOfAccount } from './partition-registry.js';

describe('partitionOfAccount', () => {
  test('is FNV-1a (32 bits) of the account id modulo the partition count: the published test vectors', () => {
    // FNV-1a 32: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968 (a change would move accounts between partitions).
    expect(partitionOfAccount('', 64)).toBe(0x811c9dc5 % 64);
    expect(partitionOfAccount('a', 61)).toBe(0xe40c292c % 61);
    expect(partitionOfAccount('foobar', 7)).toBe(0xbf9cf968 % 7);
  });

  test('spreads generated account ids over every partition', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 1; i <= 800; i++) counts[partitionOfAccount(`acct-${String(i).padStart(3, '0')}`, 8)] += 1;
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});
