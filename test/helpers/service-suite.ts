/**
 * `describe` for suites that need a server (PostgreSQL, Redis). Without it the suite is skipped
 * with a message, except on CI (CI=true), where a missing server must fail the run rather than
 * let that code go untested.
 */
export function describeWithService(
  service: { name: string; available: () => boolean; where: string; why?: string },
  title: string,
  body: () => void,
): void {
  if (service.available()) {
    describe(title, body);
    return;
  }
  const unreachable = `${service.name} is not reachable at ${service.where}${service.why ?? ''}`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${service.name}`, () => {
        throw new Error(`${unreachable}, and CI=true requires the ${service.name} tests to run`);
      });
    });
    return;
  }
  console.warn(`${unreachable}: skipping "${title}" (set CI=true to make this a failure)`);
  describe.skip(title, body);
}
