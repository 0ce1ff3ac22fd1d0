// The portal groups' sandbox (scripts/e2e.sh starts `dpgcerts sandbox` and
// sets E2E_PORTAL), and its API for the tests that act as someone else.
import assert from 'node:assert/strict';

export const portalUrl = process.env.E2E_PORTAL;
/** The sandbox's registered administrator's token. */
export const ADMIN = 'sandbox-admin';
/** The password of the fixtures' portal .p12 files. */
export const PASSWORD = 'Hemmelig-Kode-1!';

/** api calls the sandbox's API directly, as someone else would. */
export async function api(method, path, body, headers = {}) {
  const res = await fetch(`${portalUrl}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}
