/**
 * Stands in for `pg` and `@electric-sql/pglite` when `npm run test:unit` runs (jest.config.js maps
 * them here): a unit test that opens a database fails at once, naming the fix. Importing is fine (the
 * code under test may reach modules that could open one); opening is not.
 */
function refuse(): never {
  throw new Error('a unit test opened a database: name the suite *.int.spec.ts (npm run test:int) or give it a double');
}

class NoDatabase {
  constructor() {
    refuse();
  }

  static create(): never {
    return refuse();
  }
}

export const PGlite = NoDatabase;
export const Pool = NoDatabase;
export const Client = NoDatabase;
export const types = { INT8: 20, setTypeParser: refuse };
export default { Pool: NoDatabase, Client: NoDatabase, types };
