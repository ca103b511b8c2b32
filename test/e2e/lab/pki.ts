// The lab's own certificate authority and keys (test/helpers/pki.ts makes them): the API server's serving
// certificate, an admin and a plain client certificate, and the service-account signing key.
import { certificateAuthority, type Pem, signedCertificate, signingKeyPair } from '../../helpers/pki.js';

export interface LabPki {
  ca: Pem;
  apiServer: Pem;
  /** The serving certificate of the lab's OIDC issuers (oidc.ts), on 127.0.0.1 like the API server's. */
  oidcServer: Pem;
  /** Client certificate in group system:masters. */
  adminClient: Pem;
  /** Client certificate of a user with no role bindings. */
  plainClient: Pem;
  /** Service-account token signing key (private) and its public half. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export const ADMIN_CERT_USER = 'lab-admin-cert';
export const PLAIN_CERT_USER = 'lab-plain-cert';

/** Creates a CA, the API server's and the OIDC issuers' serving certificates and two client certificates under `dir`. */
export async function createPki(dir: string): Promise<LabPki> {
  const ca = await certificateAuthority(dir, 'ca', '/CN=flux-reconcile-lab-ca');
  const [apiServer, oidcServer, adminClient, plainClient, serviceAccount] = await Promise.all([
    signedCertificate(dir, ca, 'apiserver', {
      subject: '/CN=kube-apiserver',
      usage: 'server',
      altNames: 'IP:127.0.0.1,DNS:localhost',
    }),
    signedCertificate(dir, ca, 'oidc-server', {
      subject: '/CN=lab-oidc-issuer',
      usage: 'server',
      altNames: 'IP:127.0.0.1,DNS:localhost',
    }),
    signedCertificate(dir, ca, 'admin-client', {
      subject: `/O=system:masters/CN=${ADMIN_CERT_USER}`,
      usage: 'client',
    }),
    signedCertificate(dir, ca, 'plain-client', { subject: `/CN=${PLAIN_CERT_USER}`, usage: 'client' }),
    signingKeyPair(dir, 'sa'),
  ]);
  return {
    ca,
    apiServer,
    oidcServer,
    adminClient,
    plainClient,
    serviceAccountKey: serviceAccount.keyFile,
    serviceAccountPub: serviceAccount.publicFile,
  };
}
