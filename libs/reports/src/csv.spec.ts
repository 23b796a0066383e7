import { toCsv } from './csv.js';
import type { SeriesBody, TableBody } from './report-definition.js';

const head = {
  accountId: 'acme',
  product: 'KSE',
  orgId: null,
  interval: 'day' as const,
  timezone: 'UTC',
  from: '2026-01-01',
  to: '2026-01-02',
  asOfPosition: '1/1',
};

describe('toCsv', () => {
  it('series: a header and one row per bucket, CRLF line ends', () => {
    const body: SeriesBody = {
      report: 'seat-history',
      ...head,
      buckets: [
        { start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', purchased: 5, assigned: 2, activated: 1 },
        { start: '2026-01-02T00:00:00.000Z', end: '2026-01-03T00:00:00.000Z', purchased: 5, assigned: 0, activated: 0 },
      ],
    };
    expect(toCsv(body, { shape: 'series', columns: ['purchased', 'assigned', 'activated'] })).toBe(
      'start,end,purchased,assigned,activated\r\n' +
        '2026-01-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,5,2,1\r\n' +
        '2026-01-02T00:00:00.000Z,2026-01-03T00:00:00.000Z,5,0,0\r\n',
    );
  });

  it('series without columns takes the metrics of the first bucket; an empty series is a header', () => {
    const body: SeriesBody = { report: 'x', ...head, buckets: [{ start: 'a', end: 'b', peak: 2, average: 0.17 }] };
    expect(toCsv(body, { shape: 'series' })).toBe('start,end,peak,average\r\na,b,2,0.17\r\n');
    expect(toCsv({ report: 'x', ...head, buckets: [] }, { shape: 'series', columns: ['n'] })).toBe('start,end,n\r\n');
  });

  it('groupBy series: orgId and name first, every series in turn', () => {
    const body: SeriesBody = {
      report: 'seat-usage',
      ...head,
      series: [
        { orgId: 'qa', name: 'QA, "Core"', buckets: [{ start: 's', end: 'e', activeUsers: 1 }] },
        { orgId: 'ops', name: '=Ops', buckets: [{ start: 's', end: 'e', activeUsers: 0 }] },
      ],
    };
    expect(toCsv(body, { shape: 'series', columns: ['activeUsers'] })).toBe(
      'orgId,name,start,end,activeUsers\r\nqa,"QA, ""Core""",s,e,1\r\nops,\'=Ops,s,e,0\r\n',
    );
  });

  it('tables: the definition\'s columns; quotes doubled, fields with , " CR LF quoted; arrays joined with "; "', () => {
    const body: TableBody = {
      report: 'assignments',
      accountId: 'acme',
      product: 'KSE',
      total: 2,
      page: 1,
      pageSize: 50,
      asOfPosition: null,
      rows: [
        { userId: 'u1', user: 'Ann "The Tester", Jr.', projects: ['Web', 'Mobile'], lastActiveUse: null, activated: true, extra: 'ignored' },
        { userId: 'u2', user: 'Line\r\nBreak', projects: [], lastActiveUse: '2026-01-01T00:00:00.000Z', activated: false },
      ],
    };
    expect(toCsv(body, { shape: 'table', columns: ['userId', 'user', 'projects', 'lastActiveUse', 'activated'] })).toBe(
      'userId,user,projects,lastActiveUse,activated\r\n' +
        'u1,"Ann ""The Tester"", Jr.",Web; Mobile,,true\r\n' +
        'u2,"Line\r\nBreak",,2026-01-01T00:00:00.000Z,false\r\n',
    );
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a=b', 'a=b'],
    [' =spaced', ' =spaced'],
  ])('neutralises a text cell %j → %s', (value, expected) => {
    const body: TableBody = { report: 't', accountId: 'a', product: null, total: 1, page: 1, pageSize: 1, asOfPosition: null, rows: [{ v: value }] };
    expect(toCsv(body, { shape: 'table', columns: ['v'] })).toBe(`v\r\n${expected}\r\n`);
  });

  it('numbers stay numbers (a negative is not a formula); an array of texts is neutralised as one cell', () => {
    const body: TableBody = {
      report: 't',
      accountId: 'a',
      product: null,
      total: 1,
      page: 1,
      pageSize: 1,
      asOfPosition: null,
      rows: [{ n: -3, list: ['=x', 'y'] }],
    };
    expect(toCsv(body, { shape: 'table', columns: ['n', 'list'] })).toBe("n,list\r\n-3,'=x; y\r\n");
  });

  it('a table without columns uses the keys of its first row', () => {
    const body: TableBody = {
      report: 't',
      accountId: 'a',
      product: null,
      total: 1,
      page: 1,
      pageSize: 1,
      asOfPosition: null,
      rows: [{ a: 1, b: 'x' }],
    };
    expect(toCsv(body, { shape: 'table' })).toBe('a,b\r\n1,x\r\n');
  });
});
