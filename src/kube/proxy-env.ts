// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as client-go reads them (golang.org/x/net/http/httpproxy).
// @kubernetes/client-node honours only the kubeconfig's proxy-url, so the action applies the environment
// itself when the cluster has no proxy-url.
import { isIP } from 'node:net';

function envValue(env: NodeJS.ProcessEnv, name: string): string {
  return (env[name] ?? env[name.toLowerCase()] ?? '').trim();
}

function defaultPort(protocol: string): string {
  return protocol === 'http:' ? '80' : '443';
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || isIP(base) !== 4 || isIP(host) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    return false;
  }
  const block = 2 ** (32 - bits);
  return Math.floor(ipv4ToNumber(host) / block) === Math.floor(ipv4ToNumber(base) / block);
}

/** Whether NO_PROXY exempts this server: `*`, a host, a domain suffix (with or without a leading dot), an IP, a CIDR, each optionally with `:port`. */
export function bypassesProxy(server: URL, noProxy: string): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = server.port || defaultPort(server.protocol);
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && isIP(entry) !== 6) {
      if (portMatch[2] !== port) continue;
      entry = portMatch[1] ?? '';
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (host === entry) return true;
    const suffix = entry.startsWith('.') ? entry : `.${entry}`;
    if (isIP(host) === 0 && host.endsWith(suffix)) return true;
  }
  return false;
}

/** The proxy the environment chooses for this API server, or undefined for a direct connection. */
export function proxyFromEnvironment(
  serverUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  let server: URL;
  try {
    server = new URL(serverUrl);
  } catch {
    return undefined;
  }
  const proxy = server.protocol === 'http:' ? envValue(env, 'HTTP_PROXY') : envValue(env, 'HTTPS_PROXY');
  if (proxy === '') return undefined;
  if (bypassesProxy(server, envValue(env, 'NO_PROXY'))) return undefined;
  // Like Go, a proxy given without a scheme is an http:// proxy.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
