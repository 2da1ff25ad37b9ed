import { describe, expect, it } from 'vitest';

import { parseEnv } from './env';

describe('parseEnv', () => {
  it('defaults the API base URL to same origin', () => {
    expect(parseEnv({}).API_BASE_URL).toBe('');
    expect(parseEnv({ VITE_API_BASE_URL: '' }).API_BASE_URL).toBe('');
  });

  it('accepts an http(s) URL and strips trailing slashes', () => {
    expect(parseEnv({ VITE_API_BASE_URL: 'https://api.example.com/' }).API_BASE_URL).toBe('https://api.example.com');
    expect(parseEnv({ VITE_API_BASE_URL: 'http://127.0.0.1:3000' }).API_BASE_URL).toBe('http://127.0.0.1:3000');
  });

  it('rejects anything else with a readable message', () => {
    expect(() => parseEnv({ VITE_API_BASE_URL: 'api.example.com' })).toThrow(/VITE_API_BASE_URL/);
  });
});
