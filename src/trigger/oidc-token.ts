// A generic-oidc Receiver's credential: the job's own OIDC token, asked of the runner (GitHub's token
// endpoint: ACTIONS_ID_TOKEN_REQUEST_URL, which a job has only with `permissions: id-token: write`) for the
// audience the Receiver expects, and masked before anything can log it.
import * as core from '@actions/core';
import { errorMessage } from '../base/error-message.js';
import { maskSecret } from '../base/secrets.js';
import { cleanText, oneLine } from '../base/text.js';

/** What a job adds to be given its OIDC token (a `permissions:` block replaces the defaults, so contents too). */
export const ID_TOKEN_PERMISSIONS = [
  'permissions:',
  '  id-token: write # the OIDC token the generic-oidc Receiver checks',
  '  contents: read',
].join('\n');

/** The runner's OIDC client: @actions/core's getIDToken (tests pass another). */
export type IdTokenSource = (audience: string) => Promise<string>;

/**
 * The job's OIDC token for `audience`, registered as a secret. Throws, saying what to add to the workflow,
 * when the job may not ask for one.
 */
export async function jobOidcToken(
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
  getIdToken: IdTokenSource = core.getIDToken,
): Promise<string> {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new Error(
      `receiver-type: generic-oidc sends the job's OIDC token, and this job may not ask for one (no ACTIONS_ID_TOKEN_REQUEST_URL): add to the job (or the workflow)\n${ID_TOKEN_PERMISSIONS}\nA pull request from a fork never gets one.`,
    );
  }
  let token: string;
  try {
    token = await getIdToken(audience);
  } catch (error) {
    throw new Error(
      `The runner gave no OIDC token for the audience '${audience}': ${oneLine(cleanText(errorMessage(error)))}`,
    );
  }
  maskSecret(token);
  return token;
}
