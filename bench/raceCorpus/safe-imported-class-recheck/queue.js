// A job queue that validates outside the critical part, then works on the current list, never on a stale copy.
async function validate(job) {
  await new Promise((resolve) => setImmediate(resolve));
  return job;
}
export class JobQueue {
  jobs = [];
  async enqueue(job) {
    const before = this.jobs.length;
    const valid = await validate(job);
    this.jobs = [...this.jobs, valid];
    return { before, after: this.jobs.length };
  }
}
