import { describe, expect, it } from 'vitest';
import { githubEndpoints, parseVersionInput } from '../../../src/install/version.js';

describe('parseVersionInput', () => {
  it.each([
    ['2.9.5', '2.9.5'],
    ['v2.9.5', '2.9.5'],
    [' v2.9.5 ', '2.9.5'],
    ['2.0.0-rc.1', '2.0.0-rc.1'],
    ['latest', 'latest'],
    ['Latest', 'latest'],
    ['', 'latest'],
  ])('%j → %j', (raw, parsed) => {
    expect(parseVersionInput(raw)).toBe(parsed);
  });

  it.each(['2.9', 'vv2.9.5', '2.9.5; rm -rf /', 'main', '2.9.x'])('refuses %j, naming the input', (raw) => {
    expect(() => parseVersionInput(raw)).toThrow(
      `Input \`version\`: '${raw.trim()}' is not a flux release. Use an exact release such as \`2.9.6\``,
    );
  });
});

describe('githubEndpoints', () => {
  it('uses the runner variables (GitHub Enterprise Server sets them to its own host)', () => {
    expect(
      githubEndpoints({
        GITHUB_API_URL: 'https://ghe.example/api/v3/',
        GITHUB_SERVER_URL: 'https://ghe.example',
      }),
    ).toEqual({ apiUrl: 'https://ghe.example/api/v3', serverUrl: 'https://ghe.example' });
  });

  it('defaults to github.com', () => {
    expect(githubEndpoints({})).toEqual({
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
    });
  });
});
