/**
 * Runs tasks one at a time, in the order they were given: one serial reader per connection,
 * so that a connector never hammers an ERP with parallel calls on the same credentials.
 * A failed task does not stop the lane, and is not tried again in it: a task that waited and
 * retried here would hold every other call of the connection behind it. Retries belong to the
 * outbox and the job queue (retry-policy.ts).
 */
export class SerialLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
