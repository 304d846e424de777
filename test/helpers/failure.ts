import { AdapterError } from '../../connector/ports/adapter-error';

/** The AdapterError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function adapterFailure(p: Promise<unknown>): Promise<AdapterError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdapterError) return e;
    throw e;
  }
  throw new Error('expected an AdapterError, but the call succeeded');
}
