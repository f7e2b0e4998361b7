import { Queue } from "bullmq";

const queue = new Queue("reminders", {
  connection: { host: process.env.REDIS_HOST ?? "localhost", port: 6379 },
});

export async function remindAll(userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    // skip users who already have a pending reminder
    const pending = await queue.getJobs(["delayed", "waiting"]);
    if (pending.some((job) => job.data.userId === userId)) {
      continue;
    }
    await queue.add("remind", { userId }, { delay: 24 * 3600 * 1000 });
  }
}
