import { DomainError } from '../../domain/src/errors.js';

/** The columns `assignments` sorts by (ties: userId), projected or replayed. */
export const ASSIGNMENT_SORT_COLUMNS = [
  'userId',
  'user',
  'email',
  'licenseSource',
  'organization',
  'lastAssignment',
  'lastActiveUse',
  'activated',
] as const;
export type AssignmentSortColumn = (typeof ASSIGNMENT_SORT_COLUMNS)[number];
export const DEFAULT_ASSIGNMENTS_SORT: AssignmentSortColumn = 'user';

function isSortColumn(column: string): column is AssignmentSortColumn {
  return (ASSIGNMENT_SORT_COLUMNS as readonly string[]).includes(column);
}

/** `sort` of assignments: a column, `-column` for descending; VALIDATION_FAILED for another column. */
export function parseSort(sort: string | undefined): { column: AssignmentSortColumn; descending: boolean } {
  const text = sort ?? DEFAULT_ASSIGNMENTS_SORT;
  const descending = text.startsWith('-');
  const column = descending ? text.slice(1) : text;
  if (!isSortColumn(column)) {
    const columns = ASSIGNMENT_SORT_COLUMNS.join(', ');
    throw new DomainError('VALIDATION_FAILED', `sort: must be one of ${columns}, optionally prefixed with '-' (descending)`, [
      { path: 'sort', message: `must be one of ${columns}, optionally prefixed with '-'` },
    ]);
  }
  return { column, descending };
}
