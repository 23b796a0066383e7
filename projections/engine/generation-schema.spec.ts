import { ALL_PROJECTIONS } from '../catalog.js';
import { assertProjectionMigrations, assertProjectionName, generationSchema, tablesVersion } from './generation-schema.js';

const create = { up: async () => {} };

describe('generation schemas', () => {
  test('rm_<name>_g<n>, after the database schema unless that is public', () => {
    expect(generationSchema('public', 'seat-history', 3)).toBe('rm_seat_history_g3');
    expect(generationSchema('tenant_a', 'seat-history', 3)).toBe('tenant_a_rm_seat_history_g3');
  });

  test('refuses a name PostgreSQL would truncate', () => {
    expect(() => generationSchema('test_projections_engine_lx2a9_3f9a1c', 'a-rather-long-projection-name', 12)).toThrow(
      'schema name test_projections_engine_lx2a9_3f9a1c_rm_a_rather_long_projection_name_g12 of projection "a-rather-long-projection-name" is longer than 63 characters',
    );
  });

  test.each(['sessions', 'seat-history', 'aut-usage2'])('accepts the kebab-case name %s', (name) => {
    expect(() => assertProjectionName(name)).not.toThrow();
  });

  test.each(['Sessions', 'seat_history', 'seat--history', '-seats', '1seats', ''])('refuses the name "%s"', (name) => {
    expect(() => assertProjectionName(name)).toThrow(`projection name "${name}" must be kebab-case`);
  });

  test('a migration from a later version than the projection is refused: a change of tables comes with a version bump', () => {
    expect(() => assertProjectionMigrations({ name: 'seats', version: 2, migrations: { 'v1-tables': create, 'v3-more': create } })).toThrow(
      'projection "seats": migration "v3-more" belongs to version 3, but the projection is at version 2: bump its version',
    );
    expect(() => assertProjectionMigrations({ name: 'seats', version: 3, migrations: { 'v1-tables': create, 'v3-more': create } })).not.toThrow();
  });

  test('migrations are named v<version>-<what>, and there is at least one', () => {
    expect(() => assertProjectionMigrations({ name: 'seats', version: 1, migrations: { 'create-tables': create } })).toThrow(
      'migration "create-tables" must be named v<version>-<what>, e.g. v1-tables',
    );
    expect(() => assertProjectionMigrations({ name: 'seats', version: 1, migrations: {} })).toThrow('has no migrations');
  });

  test('the tables a projection reads are those of its latest migration', () => {
    expect(tablesVersion({ migrations: { 'v1-tables': create, 'v3-more': create } })).toBe(3);
  });

  test.each(ALL_PROJECTIONS.map((P) => [new P().name, new P()] as const))('%s: its migrations fit its version', (_name, projection) => {
    expect(() => assertProjectionMigrations(projection)).not.toThrow();
    expect(tablesVersion(projection)).toBeLessThanOrEqual(projection.version);
  });
});
