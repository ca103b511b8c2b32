// Readiness probes over HTTP(S) on loopback.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ProbeOptions {
  ca?: Buffer;
  token?: string;
}

/** GETs the URL; resolves with the status and body, or rejects when nothing answers. */
export function httpGet(url: string, options: ProbeOptions = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'GET',
        ca: options.ca,
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error(`GET ${url}: no answer in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** A probe for waitUntil: true when the URL answers 200, undefined otherwise. */
export function answers200(url: string, options: ProbeOptions = {}): () => Promise<true | undefined> {
  return async () => ((await httpGet(url, options)).status === 200 ? true : undefined);
}
