import { ReadModelCache } from './read-model-cache.js';

describe('ReadModelCache', () => {
  it('keeps a value while its version stands and loads anew when the version moves on', async () => {
    const cache = new ReadModelCache();
    let loads = 0;
    const load = async () => `value ${(loads += 1)}`;
    expect(await cache.get('acme', '1', load)).toBe('value 1');
    expect(await cache.get('acme', '1', load)).toBe('value 1');
    expect(await cache.get('acme', '2', load)).toBe('value 2');
    expect(await cache.get('other', '2', load)).toBe('value 3');
    expect(loads).toBe(3);
  });

  it('shares one load between concurrent requests', async () => {
    const cache = new ReadModelCache();
    let loads = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve((loads += 1)), 5));
    expect(await Promise.all([cache.get('acme', '1', load), cache.get('acme', '1', load)])).toEqual([1, 1]);
  });

  it('keeps no failed load', async () => {
    const cache = new ReadModelCache();
    await expect(cache.get('acme', '1', () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    expect(await cache.get('acme', '1', async () => 'loaded')).toBe('loaded');
  });

  it('drops the least recently used key beyond its capacity', async () => {
    const cache = new ReadModelCache(2);
    const loaded: string[] = [];
    const load = (key: string) => async () => {
      loaded.push(key);
      return key;
    };
    await cache.get('a', '1', load('a'));
    await cache.get('b', '1', load('b'));
    await cache.get('a', '1', load('a'));
    await cache.get('c', '1', load('c')); // b is the least recently used
    await cache.get('a', '1', load('a'));
    await cache.get('b', '1', load('b'));
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
  });
});
