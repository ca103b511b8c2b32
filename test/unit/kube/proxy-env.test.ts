import { describe, expect, it } from 'vitest';
import { proxyFromEnvironment } from '../../../src/kube/proxy-env.js';

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe('proxyFromEnvironment', () => {
  it('uses HTTPS_PROXY for https servers and HTTP_PROXY for http ones, lower case too', () => {
    const vars = env({ HTTPS_PROXY: 'http://secure:3128', http_proxy: 'http://plain:3128' });
    expect(proxyFromEnvironment('https://k.example.com:6443', vars)).toBe('http://secure:3128');
    expect(proxyFromEnvironment('http://k.example.com:8080', vars)).toBe('http://plain:3128');
    expect(proxyFromEnvironment('https://k.example.com', env({}))).toBeUndefined();
  });

  it('treats a proxy without a scheme as http://', () => {
    expect(proxyFromEnvironment('https://k', env({ HTTPS_PROXY: 'proxy.corp:8080' }))).toBe(
      'http://proxy.corp:8080',
    );
  });

  it.each([
    ['*', 'https://anything.example.com', true],
    ['example.com', 'https://api.example.com', true],
    ['.example.com', 'https://api.example.com', true],
    ['example.com', 'https://example.com', true],
    ['example.com', 'https://notexample.com', false],
    ['api.example.com:6443', 'https://api.example.com:6443', true],
    ['api.example.com:443', 'https://api.example.com:6443', false],
    ['10.0.0.0/8', 'https://10.1.2.3:6443', true],
    ['10.0.0.0/8', 'https://11.1.2.3:6443', false],
    ['192.168.1.10', 'https://192.168.1.10', true],
    ['[::1]', 'https://[::1]:6443', true],
    [' foo.com , 127.0.0.1 ', 'https://127.0.0.1:6443', true],
  ])('NO_PROXY=%s for %s bypasses: %s', (noProxy, server, bypass) => {
    const chosen = proxyFromEnvironment(server, env({ HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy }));
    expect(chosen === undefined).toBe(bypass);
  });
});
