import { latestRecordBound, latestRecordInstant } from './latest-record.js';

describe('the latest record of a bucket (SPEC §2)', () => {
  const bucket = { start: 1_000, end: 2_000 };

  it('is read after every event before the bucket end, for a past bucket', () => {
    expect(latestRecordInstant(bucket, 5_000)).toBe(1_999);
    expect(latestRecordBound(bucket, 5_000)).toBe(2_000);
  });

  it('is read at now for the bucket containing now (every event at or before now)', () => {
    expect(latestRecordInstant(bucket, 1_500)).toBe(1_500);
    expect(latestRecordBound(bucket, 1_500)).toBe(1_501);
  });
});
