import { assertProjectionName, generationSchema } from './generation-schema.js';

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
});
