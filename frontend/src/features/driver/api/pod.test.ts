import { describe, expect, it } from 'vitest';

import { podInputSchema } from './create-pod';
import { podFileProblem, POD_LIMITS } from './create-pod-uploads';
import { scanInputSchema } from './scan-order';

describe('POD form (the API: receiver_name required, a photo or a signature)', () => {
  const valid = { receiver_name: 'Ananya', notes: '', has_photo: true, has_signature: false };

  it('accepts a receiver with a photo, a signature or both', () => {
    expect(podInputSchema.safeParse(valid).success).toBe(true);
    expect(podInputSchema.safeParse({ ...valid, has_photo: false, has_signature: true }).success).toBe(true);
  });

  it('refuses a POD without evidence or without a receiver', () => {
    expect(podInputSchema.safeParse({ ...valid, has_photo: false }).success).toBe(false);
    expect(podInputSchema.safeParse({ ...valid, receiver_name: '  ' }).success).toBe(false);
    expect(podInputSchema.safeParse({ ...valid, receiver_name: 'x'.repeat(121) }).success).toBe(false);
    expect(podInputSchema.safeParse({ ...valid, notes: 'x'.repeat(1001) }).success).toBe(false);
  });

  it('drops empty notes', () => {
    expect(podInputSchema.parse({ ...valid, notes: '   ' }).notes).toBeUndefined();
  });
});

describe('POD files (photo <= 10 MB, signature <= 1 MB; JPEG, PNG or WebP)', () => {
  const blob = (size: number, type: string) => ({ size, type }) as Blob;

  it.each([
    ['photo', blob(POD_LIMITS.photoBytes, 'image/jpeg'), null],
    ['photo', blob(POD_LIMITS.photoBytes + 1, 'image/jpeg'), 'size'],
    ['signature', blob(POD_LIMITS.signatureBytes, 'image/png'), null],
    ['signature', blob(POD_LIMITS.signatureBytes + 1, 'image/png'), 'size'],
    ['photo', blob(1000, 'image/webp'), null],
    ['photo', blob(1000, 'image/heic'), 'type'],
    ['photo', blob(0, 'image/jpeg'), 'size'],
  ] as const)('%s %o -> %s', (kind, file, problem) => {
    expect(podFileProblem({ kind, blob: file })).toBe(problem);
  });
});

describe('scan', () => {
  it('trims the code and needs one', () => {
    expect(scanInputSchema.parse({ code: '  CF-10021 ' }).code).toBe('CF-10021');
    expect(scanInputSchema.safeParse({ code: '   ' }).success).toBe(false);
  });
});
