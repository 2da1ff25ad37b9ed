import { describe, expect, it } from 'vitest';

import { isValidWebhookSecret, webhookSettingsInputSchema } from './put-webhook-settings';
import { trackingSettingsInputSchema } from './put-tracking-settings';

const b64 = (bytes: number) => btoa(String.fromCharCode(...new Uint8Array(bytes).fill(7)));

describe('webhook secret (shared/domain/src/webhooks.rs parse_secret)', () => {
  it.each([
    [`whsec_${b64(24)}`, true],
    [`whsec_${b64(32)}`, true],
    [`whsec_${b64(64)}`, true],
    [`whsec_${b64(23)}`, false],
    [`whsec_${b64(65)}`, false],
    ['whsec_not base64!', false],
    ['a'.repeat(16), true],
    ['a'.repeat(128), true],
    ['a'.repeat(15), false],
    ['a'.repeat(129), false],
    ['has a space inside it!!', false],
    ['naïve-secret-with-accent', false],
  ])('%j -> %s', (secret, valid) => {
    expect(isValidWebhookSecret(secret)).toBe(valid);
  });
});

describe('webhook settings form', () => {
  const base = { enabled: true, url: 'https://example.com/hooks', secret: '', all_events: true, events: [] as string[] };

  it('sends * for all events and null for an empty secret', () => {
    expect(webhookSettingsInputSchema.parse(base)).toEqual({ enabled: true, url: 'https://example.com/hooks', secret: null, events: ['*'] });
  });

  it('sends the chosen event types', () => {
    expect(webhookSettingsInputSchema.parse({ ...base, all_events: false, events: ['order.created'] }).events).toEqual(['order.created']);
  });

  it('needs a URL while enabled (the API: "is required while enabled")', () => {
    expect(webhookSettingsInputSchema.safeParse({ ...base, url: '' }).success).toBe(false);
    expect(webhookSettingsInputSchema.safeParse({ ...base, enabled: false, url: '' }).success).toBe(true);
  });

  it.each([
    ['https://example.com', true],
    ['http://127.0.0.1:9000/hook', true],
    ['https://user:pass@example.com/hook', false],
    ['ftp://example.com', false],
    ['example.com/hook', false],
    [`https://example.com/${'a'.repeat(2040)}`, false],
  ])('URL %j -> %s', (url, valid) => {
    expect(webhookSettingsInputSchema.safeParse({ ...base, url }).success).toBe(valid);
  });

  it('needs at least one event type', () => {
    expect(webhookSettingsInputSchema.safeParse({ ...base, all_events: false, events: [] }).success).toBe(false);
  });
});

describe('tracking settings (link_expiry_days 1..90)', () => {
  it.each([
    [1, true],
    [90, true],
    ['30', true],
    [0, false],
    [91, false],
    [1.5, false],
    ['', false],
  ])('%j -> %s', (days, valid) => {
    expect(trackingSettingsInputSchema.safeParse({ show_pod_photo: true, link_expiry_days: days }).success).toBe(valid);
  });
});
