// A kubeconfig `server` may carry `user:password@` (old clusters, basic-auth proxies). client-go sends it
// as Basic authentication; client-node would put it in the URL, where fetch refuses it and quotes it in
// its error. The action takes it out of the URL it connects to and shows, and sends it as kubectl does.

export interface ServerUrl {
  /** The URL without user info. */
  server: string;
  username?: string;
  password?: string;
}

export function splitServerUrl(server: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return { server };
  }
  if (!url.username && !url.password) return { server };
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  // URL adds a `/` to a bare origin; a kubeconfig server is usually written without one.
  const plain = url.pathname === '/' && !server.endsWith('/') ? url.toString().slice(0, -1) : url.toString();
  return { server: plain, username, ...(password ? { password } : {}) };
}
